// @ts-check
// The fan's pages: the waiting room, the dates and the seat map, a hold with its countdown, the wallet, payment and
// the receipt. A fan is a UUID this browser keeps (the service has no login); the queue token lives for the tab.
import { apiClient, newKey, problemOf, undecided } from "./api.js";
import { applyWords, t, won } from "./i18n.js";
import { $, clearProblem, report, retranslateProblem } from "./page.js";

/** @typedef {import("./api.js").Schemas} Schemas */

const userId = localStorage.getItem("concert.fan") ?? crypto.randomUUID();
localStorage.setItem("concert.fan", userId);
const api = apiClient({ token: () => sessionStorage.getItem("concert.token") });

/** @type {{ concertId: number, scheduleId: number | null, hold: Schemas["ReservationView"] | null }} */
const state = {
  concertId: Number(new URLSearchParams(location.search).get("concert") ?? localStorage.getItem("concert.concert") ?? 1),
  scheduleId: null,
  hold: null,
};
/** @type {number | undefined} */ let nextCheck;
/** @type {number | undefined} */ let seatRefresh;
/** @type {number | undefined} */ let countdown;

const show = (/** @type {string} */ id, /** @type {boolean} */ visible) => { $(id).hidden = !visible; };


// ---- The waiting room ----

async function takePlace() {
  clearProblem();
  const { data, error } = await api.POST("/waiting/issue", { body: { userId } });
  if (!data) return report(error);
  sessionStorage.setItem("concert.token", data.token);
  stand(data);
}

async function check() {
  const { data, error, response } = await api.GET("/waiting/check");
  if (data) return stand(data);
  report(error);
  if (response.status === 401) return leaveTheLine();
  // Busy, limited or unreachable: the place is kept; ask again when the service says, or in a few seconds.
  const wait = Number(response.headers.get("Retry-After") ?? 5);
  clearTimeout(nextCheck);
  nextCheck = window.setTimeout(check, Math.min(Math.max(wait, 1), 30) * 1000);
}

/** The fan's turn is over (401): every timer stops and the page offers a new place. */
function leaveTheLine() {
  sessionStorage.removeItem("concert.token");
  clearTimeout(nextCheck);
  clearInterval(seatRefresh);
  clearInterval(countdown);
  state.hold = null;
  for (const id of ["standing", "admitted", "shows", "seats", "hold", "wallet"]) show(id, false);
  show("line", true);
  show("take-place", true);
}

/** A gated answer's problem: said, and a 401 ends the turn. */
function refused(/** @type {unknown} */ error, /** @type {Response} */ response) {
  report(error);
  if (response.status === 401) leaveTheLine();
}

/** Shows the fan's standing; polls again when the service's hint says, until admitted. */
function stand(/** @type {Schemas["QueueStatus"]} */ status) {
  clearTimeout(nextCheck);
  show("take-place", false);
  if (status.active) {
    show("standing", false);
    show("admitted", true);
    admitted();
    return;
  }
  show("standing", true);
  $("position").textContent = String(status.position);
  $("eta").textContent = `${status.etaSeconds} ${t("seconds")}`;
  show("opens-row", status.opensAt != null);
  $("opens-at").textContent = status.opensAt ? new Date(status.opensAt).toLocaleString() : "";
  show("pre-queue", status.status === "PRE_QUEUE");
  const due = Date.now() + status.pollAfterSeconds * 1000;
  const tick = () => {
    const left = Math.max(0, Math.ceil((due - Date.now()) / 1000));
    $("next-check").textContent = `${left} ${t("seconds")}`;
    nextCheck = left > 0 ? window.setTimeout(tick, 1000) : (void check(), undefined);
  };
  tick();
}

function admitted() {
  show("shows", true);
  show("wallet", true);
  /** @type {HTMLInputElement} */ ($("concert-id")).value = String(state.concertId);
  void loadSchedules();
  void loadBalance();
}

// ---- Dates and seats ----

async function loadSchedules() {
  const { data, error, response } = await api.GET("/concerts/{concertId}/schedules", {
    params: { path: { concertId: state.concertId }, query: { onlyBookable: false, size: 100 } },
  });
  const list = $("schedule-list");
  list.replaceChildren();
  if (!data) return refused(error, response);
  localStorage.setItem("concert.concert", String(state.concertId));
  for (const schedule of data.items) {
    const item = document.createElement("li");
    const when = document.createElement("span");
    when.textContent = new Date(schedule.startAt).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
    const left = document.createElement("span");
    left.className = "muted";
    left.textContent = schedule.cancelled ? t("cancelledShow") : `${schedule.availableCount}/${schedule.totalCount} ${t("free")}`;
    const choose = document.createElement("button");
    choose.type = "button";
    choose.textContent = t("choose");
    choose.disabled = schedule.cancelled || schedule.availableCount === 0;
    choose.dataset.schedule = String(schedule.scheduleId);
    choose.onclick = () => openSeats(schedule.scheduleId, when.textContent ?? "");
    item.append(when, left, choose);
    list.append(item);
  }
}

async function openSeats(/** @type {number} */ scheduleId, /** @type {string} */ label) {
  state.scheduleId = scheduleId;
  $("seats-of").textContent = `— ${label}`;
  show("seats", true);
  await loadSeats();
  clearInterval(seatRefresh);
  seatRefresh = window.setInterval(loadSeats, 5000);
  $("seats").scrollIntoView({ behavior: "smooth" });
}

async function loadSeats() {
  if (state.scheduleId == null) return;
  const { data, error, response } = await api.GET("/concerts/{concertId}/schedules/{scheduleId}/seats", {
    params: { path: { concertId: state.concertId, scheduleId: state.scheduleId } },
  });
  if (!data) return refused(error, response);
  const grid = $("seat-grid");
  // Updated in place when the map is already drawn, so keyboard focus stays on its seat across refreshes.
  const drawn = grid.children.length === data.seats.length;
  if (!drawn) grid.replaceChildren(...data.seats.map(() => document.createElement("button")));
  data.seats.forEach((seat, index) => {
    const button = /** @type {HTMLButtonElement} */ (grid.children[index]);
    button.type = "button";
    button.className = `seat ${seat.status.toLowerCase()} tier-${seat.price >= 100000 ? "vip" : seat.price >= 80000 ? "r" : "s"}`;
    button.textContent = String(seat.number);
    button.dataset.seat = String(seat.number);
    button.dataset.status = seat.status;
    button.setAttribute("aria-label", `${t("seat")} ${seat.number}, ${won(seat.price)}, ${statusWord(seat.status)}`);
    button.title = `${won(seat.price)} — ${statusWord(seat.status)}`;
    button.setAttribute("aria-disabled", String(seat.status !== "AVAILABLE"));
    button.onclick = () => seat.status === "AVAILABLE" && !state.hold && !busy ? holdSeat(seat.number) : undefined;
  });
}

const statusWord = (/** @type {Schemas["SeatStatus"]} */ status) =>
  ({ AVAILABLE: t("legendAvailable"), TEMP_RESERVED: t("legendHeld"), RESERVED: t("legendSold"), WITHDRAWN: t("legendWithdrawn") })[status];

// ---- A hold, paying, letting go ----

/** One write at a time: a second click while a hold, payment or top-up is on its way does nothing. */
let busy = false;

async function holdSeat(/** @type {number} */ seatNumber) {
  clearProblem();
  busy = true;
  const { data, error, response } = await api.POST("/reservations", {
    params: { header: { "Idempotency-Key": newKey() } },
    body: { userId, concertId: state.concertId, scheduleId: /** @type {number} */ (state.scheduleId), seatNumber },
  }).finally(() => { busy = false; });
  if (!data) {
    void loadSeats();
    return refused(error, response);
  }
  state.hold = data;
  void loadSeats();
  $("hold-seat").textContent = String(data.seatNumber);
  $("hold-price").textContent = won(data.price);
  show("hold", true);
  startCountdown(new Date(data.holdExpiresAt).getTime());
  $("pay").focus();
}

function startCountdown(/** @type {number} */ endsAt) {
  clearInterval(countdown);
  const tick = () => {
    const left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    $("countdown").textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
    if (left === 0) {
      endHold();
      report({ code: "RESERVATION_NOT_FOUND" });
    }
  };
  tick();
  countdown = window.setInterval(tick, 1000);
}

function endHold() {
  clearInterval(countdown);
  state.hold = null;
  show("hold", false);
  void loadSeats();
}

/**
 * One payment, one key while it is undecided: a retry after a lost answer sends the same key, so it is never paid
 * twice; after a refusal (402: the fan tops up and pays again) a new key, as the refusal is stored under the old one.
 */
let payment = { reservationId: 0, key: "" };

async function pay() {
  const hold = state.hold;
  if (!hold || busy) return;
  clearProblem();
  if (payment.reservationId !== hold.reservationId) payment = { reservationId: hold.reservationId, key: newKey() };
  busy = true;
  const { data, error, response } = await api.POST("/payments", {
    params: { header: { "Idempotency-Key": payment.key } },
    body: { reservationId: hold.reservationId, amount: hold.price },
  }).finally(() => { busy = false; });
  if (!data) {
    if (!undecided(response, error)) payment = { reservationId: 0, key: "" }; // decided: the next try is a new payment
    void loadBalance();
    refused(error, response);
    if (response.status === 404 || problemOf(error).code === "SCHEDULE_CANCELLED") endHold();
    return;
  }
  clearInterval(countdown);
  clearInterval(seatRefresh);
  sessionStorage.removeItem("concert.token"); // the payment ended the fan's turn
  state.hold = null;
  $("receipt-payment").textContent = String(data.paymentId);
  $("receipt-reservation").textContent = String(data.reservationId);
  $("receipt-seat").textContent = String(hold.seatNumber);
  $("receipt-amount").textContent = won(data.amount);
  $("receipt-balance").textContent = won(data.balanceAfter);
  for (const id of ["hold", "seats", "shows", "wallet", "line"]) show(id, false);
  show("receipt", true);
  $("receipt-title").focus();
}

async function letGo() {
  const hold = state.hold;
  if (!hold) return;
  const { error, response } = await api.DELETE("/reservations/{reservationId}", {
    params: { path: { reservationId: hold.reservationId }, header: { "Idempotency-Key": newKey() } },
  });
  if (error) refused(error, response);
  endHold();
}

// ---- The wallet ----

async function loadBalance() {
  const { data, error, response } = await api.GET("/users/{userId}/amount", { params: { path: { userId } } });
  if (!data) return refused(error, response);
  $("balance").textContent = won(data.balance);
}

/** A top-up's key is kept until the service answers it, so a retry after a lost answer is not a second charge. */
async function charge(/** @type {SubmitEvent} */ event) {
  event.preventDefault();
  clearProblem();
  if (busy) return;
  const amount = Number(/** @type {HTMLInputElement} */ ($("charge-amount")).value);
  const pending = JSON.parse(sessionStorage.getItem("concert.charge") ?? "null");
  const key = pending?.amount === amount ? pending.key : newKey();
  sessionStorage.setItem("concert.charge", JSON.stringify({ amount, key }));
  busy = true;
  const { data, error, response } = await api.PATCH("/users/{userId}/charge", {
    params: { path: { userId }, header: { "Idempotency-Key": key } },
    body: { amount },
  }).finally(() => { busy = false; });
  // Kept while undecided (no answer, busy, the same key in flight): pressing again is the same top-up, never a second.
  if (data || !undecided(response, error)) sessionStorage.removeItem("concert.charge");
  if (!data) return refused(error, response);
  $("balance").textContent = won(data.balance);
}

function again() {
  show("receipt", false);
  show("line", true);
  show("admitted", false);
  show("take-place", true);
}

function refreshWords() {
  retranslateProblem();
  if (!$("shows").hidden) void loadSchedules();
  if (!$("seats").hidden) void loadSeats();
  if (!$("wallet").hidden) void loadBalance();
}

$("fan-id").textContent = userId;
$("take-place").onclick = takePlace;
$("concert-form").onsubmit = (event) => {
  event.preventDefault();
  state.concertId = Number(/** @type {HTMLInputElement} */ ($("concert-id")).value);
  void loadSchedules();
};
$("pay").onclick = pay;
$("let-go").onclick = letGo;
/** @type {HTMLFormElement} */ ($("charge-form")).onsubmit = charge;
$("again").onclick = again;
applyWords(refreshWords);
if (sessionStorage.getItem("concert.token")) void check();

// @ts-check
// The operator's console: the line live, capacity and pause, opening a concert, sales per schedule, and support's
// histories and "as of" views. The admin key is asked once and kept for the tab.
import { apiClient } from "./api.js";
import { applyWords, t, won } from "./i18n.js";
import { $, clearProblem, report, retranslateProblem } from "./page.js";

/** @typedef {import("./api.js").Schemas} Schemas */

const input = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (document.getElementById(id));
const api = apiClient({ adminKey: () => sessionStorage.getItem("concert.adminKey") });
/** @type {Schemas["QueueOverview"] | null} */ let overview = null;
/** @type {number | undefined} */ let polling;


/** An instant from a datetime-local field (the operator's own clock), or now. */
const instant = (/** @type {string} */ id) => (input(id).value ? new Date(input(id).value) : new Date()).toISOString();

async function enter(/** @type {SubmitEvent} */ event) {
  event.preventDefault();
  sessionStorage.setItem("concert.adminKey", input("admin-key").value);
  input("admin-key").value = "";
  await start();
}

async function start() {
  clearProblem();
  if (!(await readLine())) return;
  $("key-form").hidden = true;
  $("desk").hidden = false;
  clearInterval(polling);
  polling = window.setInterval(readLine, 2000);
}

/** A refused key (a wrong one, or one rotated since): forgotten, polling stopped, the key asked again. */
function askForTheKey() {
  sessionStorage.removeItem("concert.adminKey");
  clearInterval(polling);
  $("desk").hidden = true;
  $("key-form").hidden = false;
}

// ---- The line ----

let reading = false;

async function readLine() {
  if (reading || !sessionStorage.getItem("concert.adminKey")) return false;
  reading = true;
  const { data, error, response } = await api.GET("/admin/queue").finally(() => { reading = false; });
  if (!data) {
    report(error);
    if (response.status === 401) askForTheKey();
    return false;
  }
  overview = data;
  $("waiting").textContent = data.waiting.toLocaleString();
  $("active").textContent = data.active.toLocaleString();
  $("admitted").textContent = data.admittedLastMinute.toLocaleString();
  // The back of the line waits for everyone ahead, at the last minute's admission rate.
  $("eta-back").textContent = data.waiting === 0 ? "0" : data.admittedLastMinute === 0 ? "—"
    : `${Math.ceil(data.waiting / (data.admittedLastMinute / 60))} ${t("seconds")}`;
  $("max-active").textContent = data.maxActive.toLocaleString();
  $("paused").textContent = data.paused ? t("yes") : t("no");
  $("opens-at").textContent = data.opensAt ? new Date(data.opensAt).toLocaleString() : "—";
  $("pause").textContent = data.paused ? t("resume") : t("pause");
  if (document.activeElement !== input("capacity")) input("capacity").value = String(data.maxActive);
  return true;
}

async function changeLine(/** @type {Schemas["ChangeQueueRequest"]} */ change) {
  clearProblem();
  const { error } = await api.PATCH("/admin/queue", { body: change });
  if (error) report(error);
  await readLine();
}

// ---- Opening a concert, and its sales ----

async function openConcert(/** @type {SubmitEvent} */ event) {
  event.preventDefault();
  clearProblem();
  const schedules = /** @type {HTMLTextAreaElement} */ ($("start-times")).value.split("\n")
    .map(line => line.trim()).filter(line => line).map(startAt => ({ startAt }));
  const { data, error } = await api.POST("/admin/concerts", { body: { title: input("concert-title").value, schedules } });
  if (!data) return report(error);
  $("opened").textContent = `${t("opened")} ${data.concertId}: ${data.schedules.map(s => s.scheduleId).join(", ")}`;
  input("sales-concert").value = String(data.concertId);
}

async function readSales(/** @type {SubmitEvent} */ event) {
  event.preventDefault();
  clearProblem();
  const { data, error } = await api.GET("/admin/reports/concerts/{concertId}", {
    params: { path: { concertId: Number(input("sales-concert").value) } },
  });
  if (!data) return report(error);
  const rows = data.schedules.map(sales => {
    const row = document.createElement("tr");
    for (const value of [sales.id, sales.holds, sales.heldNow, sales.expiredHolds, sales.seatsSold, won(sales.revenue),
      sales.refunds, sales.cancelled ? t("yes") : t("no")]) {
      const cell = document.createElement("td");
      cell.textContent = String(value);
      row.append(cell);
    }
    return row;
  });
  /** @type {HTMLTableElement} */ ($("sales")).tBodies[0].replaceChildren(...rows);
  $("sales").hidden = false;
}

// ---- Support ----

async function readHistory(/** @type {SubmitEvent} */ event) {
  event.preventDefault();
  clearProblem();
  const id = input("history-id").value.trim();
  const kind = /** @type {HTMLSelectElement} */ ($("history-kind")).value;
  const [scheduleId, seatNumber] = id.split("/").map(Number);
  const { data, error } =
    kind === "reservation" ? await api.GET("/admin/support/reservations/{reservationId}/history", { params: { path: { reservationId: Number(id) } } })
    : kind === "seat" ? await api.GET("/admin/support/schedules/{scheduleId}/seats/{seatNumber}/history", { params: { path: { scheduleId, seatNumber } } })
    : kind === "wallet" ? await api.GET("/admin/support/users/{userId}/wallet/history", { params: { path: { userId: id } } })
    : await api.GET("/admin/support/tokens/{token}/history", { params: { path: { token: id } } });
  if (!data) return report(error);
  $("timeline").replaceChildren(...data.events.map(recorded => {
    const item = document.createElement("li");
    const when = document.createElement("time");
    when.dateTime = recorded.timestamp;
    when.textContent = new Date(recorded.timestamp).toLocaleString();
    const what = document.createElement("strong");
    what.textContent = recorded.type;
    const detail = document.createElement("code");
    detail.textContent = JSON.stringify(recorded.data);
    item.append(when, " ", what, " ", detail);
    if (recorded.idempotencyKey) item.append(` (Idempotency-Key ${recorded.idempotencyKey})`);
    return item;
  }));
}

async function seatsAt(/** @type {SubmitEvent} */ event) {
  event.preventDefault();
  clearProblem();
  const { data, error } = await api.GET("/admin/support/schedules/{scheduleId}/seats", {
    params: { path: { scheduleId: Number(input("seats-at-schedule").value) }, query: { at: instant("seats-at") } },
  });
  if (!data) return report(error);
  $("seats-at-grid").replaceChildren(...data.seats.map(seat => {
    const cell = document.createElement("span");
    cell.className = `seat ${seat.status.toLowerCase()}`;
    cell.textContent = String(seat.number);
    cell.title = seat.status;
    cell.setAttribute("role", "img");
    cell.setAttribute("aria-label", `${seat.number}: ${seat.status}`);
    return cell;
  }));
}

async function balanceAt(/** @type {SubmitEvent} */ event) {
  event.preventDefault();
  clearProblem();
  const { data, error } = await api.GET("/admin/support/users/{userId}/balance", {
    params: { path: { userId: input("balance-at-user").value.trim() }, query: { at: instant("balance-at") } },
  });
  if (!data) return report(error);
  $("balance-at-result").textContent = `${won(data.balance)} (${new Date(data.at).toLocaleString()})`;
}

/** @type {HTMLFormElement} */ ($("key-form")).onsubmit = enter;
/** @type {HTMLFormElement} */ ($("capacity-form")).onsubmit = (event) => {
  event.preventDefault();
  void changeLine({ maxActive: Number(input("capacity").value) });
};
$("pause").onclick = () => changeLine({ paused: !overview?.paused });
/** @type {HTMLFormElement} */ ($("open-form")).onsubmit = openConcert;
/** @type {HTMLFormElement} */ ($("sales-form")).onsubmit = readSales;
/** @type {HTMLFormElement} */ ($("history-form")).onsubmit = readHistory;
/** @type {HTMLFormElement} */ ($("seats-at-form")).onsubmit = seatsAt;
/** @type {HTMLFormElement} */ ($("balance-at-form")).onsubmit = balanceAt;
applyWords(() => { retranslateProblem(); void readLine(); });
if (sessionStorage.getItem("concert.adminKey")) void start();

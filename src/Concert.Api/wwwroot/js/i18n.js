// @ts-check
// The pages' words in Korean and English; a problem's code picks its sentence, its message is the fallback.

/** @typedef {"ko" | "en"} Language */

const words = {
  en: {
    fanTitle: "Concert — tickets",
    consoleTitle: "Concert — operator console",
    language: "한국어",
    you: "You",
    line: "Waiting room",
    takePlace: "Take a place in line",
    position: "Your place",
    eta: "Estimated wait",
    opensAt: "The sale opens at",
    preQueue: "You are in the pre-queue: places are drawn when the sale opens.",
    admitted: "It is your turn: choose a show.",
    nextCheck: "Next update in",
    seconds: "s",
    concert: "Concert number",
    showSchedules: "Show dates",
    schedules: "Dates",
    free: "free",
    cancelledShow: "cancelled",
    choose: "Choose",
    seats: "Seats",
    seat: "Seat",
    price: "Price",
    legendAvailable: "Free",
    legendHeld: "On hold",
    legendSold: "Sold",
    legendWithdrawn: "Withdrawn",
    hold: "Your hold",
    holdEndsIn: "Held for you for",
    letGo: "Let it go",
    wallet: "Wallet",
    balance: "Balance",
    amount: "Amount (KRW)",
    charge: "Top up",
    pay: "Pay",
    receipt: "Receipt",
    paid: "Paid",
    payment: "Payment",
    reservation: "Reservation",
    balanceAfter: "Balance after",
    tokenEnded: "Your turn in line has ended with this payment.",
    again: "Buy another ticket",
    adminKey: "Admin key",
    enter: "Enter",
    waiting: "Waiting",
    active: "Active",
    admittedPerMinute: "Admitted in the last minute",
    etaBack: "Wait at the back",
    maxActive: "Active at most",
    paused: "Paused",
    apply: "Apply",
    pause: "Pause admission",
    resume: "Resume admission",
    openConcert: "Open a concert",
    title: "Title",
    startTimes: "Start times, one per line (venue time)",
    open: "Open",
    opened: "Opened concert",
    sales: "Sales",
    readSales: "Read sales",
    schedule: "Schedule",
    holds: "Holds",
    heldNow: "Held now",
    expired: "Expired",
    sold: "Sold",
    revenue: "Revenue",
    refunds: "Refunds",
    support: "Support",
    history: "History",
    kind: "Of",
    kindReservation: "a reservation (id)",
    kindSeat: "a seat (schedule id/seat)",
    kindWallet: "a wallet (user id)",
    kindToken: "a queue token",
    id: "Id",
    show: "Show",
    asOf: "As of",
    seatMapAsOf: "Seat map as of",
    balanceAsOf: "Balance as of",
    yes: "yes",
    no: "no",
  },
  ko: {
    fanTitle: "콘서트 — 예매",
    consoleTitle: "콘서트 — 운영 콘솔",
    language: "English",
    you: "나",
    line: "대기실",
    takePlace: "대기열에 들어가기",
    position: "내 순번",
    eta: "예상 대기 시간",
    opensAt: "판매 시작",
    preQueue: "사전 대기열에 있습니다: 판매가 시작되면 순번을 추첨합니다.",
    admitted: "입장 차례입니다: 공연을 고르세요.",
    nextCheck: "다음 갱신까지",
    seconds: "초",
    concert: "콘서트 번호",
    showSchedules: "공연 일정 보기",
    schedules: "일정",
    free: "석 남음",
    cancelledShow: "취소됨",
    choose: "선택",
    seats: "좌석",
    seat: "좌석",
    price: "가격",
    legendAvailable: "예매 가능",
    legendHeld: "임시 배정",
    legendSold: "판매 완료",
    legendWithdrawn: "판매 중지",
    hold: "내 임시 배정",
    holdEndsIn: "남은 배정 시간",
    letGo: "배정 취소",
    wallet: "지갑",
    balance: "잔액",
    amount: "금액 (원)",
    charge: "충전",
    pay: "결제",
    receipt: "영수증",
    paid: "결제 완료",
    payment: "결제 번호",
    reservation: "예약 번호",
    balanceAfter: "결제 후 잔액",
    tokenEnded: "이번 결제로 대기열 차례가 끝났습니다.",
    again: "다른 표 예매",
    adminKey: "관리자 키",
    enter: "확인",
    waiting: "대기 중",
    active: "입장 중",
    admittedPerMinute: "최근 1분 입장",
    etaBack: "맨 뒤 예상 대기",
    maxActive: "최대 입장 인원",
    paused: "입장 중지",
    apply: "적용",
    pause: "입장 중지",
    resume: "입장 재개",
    openConcert: "콘서트 열기",
    title: "제목",
    startTimes: "시작 시각, 한 줄에 하나 (공연장 시각)",
    open: "열기",
    opened: "열린 콘서트",
    sales: "판매 현황",
    readSales: "판매 현황 보기",
    schedule: "일정",
    holds: "배정",
    heldNow: "현재 배정",
    expired: "만료",
    sold: "판매",
    revenue: "매출",
    refunds: "환불",
    support: "고객 지원",
    history: "이력",
    kind: "대상",
    kindReservation: "예약 (번호)",
    kindSeat: "좌석 (일정 번호/좌석)",
    kindWallet: "지갑 (사용자 ID)",
    kindToken: "대기열 토큰",
    id: "번호",
    show: "보기",
    asOf: "시점",
    seatMapAsOf: "시점의 좌석 배치",
    balanceAsOf: "시점의 잔액",
    yes: "예",
    no: "아니오",
  },
};

/** @type {Record<string, {en: string, ko: string}>} */
const problems = {
  SEAT_ALREADY_TAKEN: { en: "Someone else took this seat first. Choose another.", ko: "다른 분이 먼저 이 좌석을 잡았습니다. 다른 좌석을 고르세요." },
  TOKEN_EXPIRED: { en: "Your turn in line is over. Take a place again.", ko: "대기열 차례가 끝났습니다. 다시 줄을 서 주세요." },
  QUEUE_NOT_ACTIVE: { en: "It is not your turn yet.", ko: "아직 입장 차례가 아닙니다." },
  INSUFFICIENT_BALANCE: { en: "Your balance does not cover the price. Top up first.", ko: "잔액이 부족합니다. 먼저 충전하세요." },
  AMOUNT_MISMATCH: { en: "The amount is not the seat's price.", ko: "금액이 좌석 가격과 다릅니다." },
  RESERVATION_NOT_FOUND: { en: "This hold is over (it lapsed or was let go).", ko: "임시 배정이 끝났습니다 (만료 또는 취소)." },
  ALREADY_CONFIRMED: { en: "This reservation is already paid.", ko: "이미 결제된 예약입니다." },
  SCHEDULE_CANCELLED: { en: "This show was cancelled.", ko: "취소된 공연입니다." },
  SCHEDULE_NOT_FOUND: { en: "No such show.", ko: "없는 공연입니다." },
  CONCERT_NOT_FOUND: { en: "No such concert, or no show to list.", ko: "없는 콘서트이거나 볼 수 있는 공연이 없습니다." },
  MONTHLY_LIMIT_EXCEEDED: { en: "This top-up would pass your monthly limit.", ko: "이번 달 충전 한도를 넘습니다." },
  BALANCE_LIMIT_EXCEEDED: { en: "This top-up would pass the most a wallet may hold.", ko: "지갑 최대 잔액을 넘습니다." },
  INVALID_AMOUNT: { en: "Top up between 1,000 and 1,000,000 KRW.", ko: "1,000원에서 1,000,000원 사이로 충전하세요." },
  IDEMPOTENCY_KEY_IN_FLIGHT: { en: "The same request is still being handled. Try again in a moment.", ko: "같은 요청을 처리 중입니다. 잠시 후 다시 시도하세요." },
  RATE_LIMITED: { en: "Too many requests. Wait a moment.", ko: "요청이 너무 많습니다. 잠시 기다리세요." },
  TOO_MANY_TOKENS: { en: "Too many places taken from this address.", ko: "이 주소에서 너무 많은 대기 순번을 받았습니다." },
  QUEUE_FULL: { en: "The line is full. Try again shortly.", ko: "대기열이 가득 찼습니다. 잠시 후 다시 시도하세요." },
  SERVICE_BUSY: { en: "The service is busy. Try again shortly.", ko: "서비스가 바쁩니다. 잠시 후 다시 시도하세요." },
  ADMIN_KEY_INVALID: { en: "The admin key is wrong.", ko: "관리자 키가 틀렸습니다." },
  INVALID_REQUEST: { en: "Some fields are not valid.", ko: "입력값이 올바르지 않습니다." },
};

const stored = localStorage.getItem("concert.language");
/** @type {Language} */
let language = stored === "ko" || stored === "en" ? stored : navigator.language.startsWith("ko") ? "ko" : "en";

/** @returns {Language} */
export const currentLanguage = () => language;

/** @param {keyof typeof words.en} key */
export const t = (key) => words[language][key];

/** The sentence for a problem answer (application/problem+json), by its code. */
export function problemText(/** @type {{code?: string | null, message?: string | null, detail?: string | null} | undefined} */ problem) {
  const known = problem?.code ? problems[problem.code] : undefined;
  return known ? known[language] : problem?.message ?? problem?.detail ?? (language === "ko" ? "요청이 실패했습니다." : "The request failed.");
}

/** Fills every [data-t] element with its words; the toggle switches language and fills again. */
export function applyWords(/** @type {() => void} */ refresh) {
  document.documentElement.lang = language;
  for (const element of document.querySelectorAll("[data-t]")) {
    element.textContent = t(/** @type {keyof typeof words.en} */ (element.getAttribute("data-t")));
  }
  const toggle = document.getElementById("language");
  if (toggle) {
    toggle.onclick = () => {
      language = language === "ko" ? "en" : "ko";
      localStorage.setItem("concert.language", language);
      applyWords(refresh);
      refresh();
    };
  }
}

export const won = (/** @type {number} */ amount) => `${amount.toLocaleString(language === "ko" ? "ko-KR" : "en-US")} ${language === "ko" ? "원" : "KRW"}`;

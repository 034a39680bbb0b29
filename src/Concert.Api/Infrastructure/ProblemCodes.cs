namespace Concert.Api.Infrastructure;

/// <summary>
/// Every problem code the service answers with (the contract's <c>code</c> field), named once: endpoints, their
/// documented responses and the specs use these names.
/// </summary>
public static class ProblemCodes
{
    public const string AdminKeyInvalid = "ADMIN_KEY_INVALID";
    public const string AlreadyConfirmed = "ALREADY_CONFIRMED";
    public const string AlreadyRefunded = "ALREADY_REFUNDED";
    public const string AmountMismatch = "AMOUNT_MISMATCH";
    public const string BalanceLimitExceeded = "BALANCE_LIMIT_EXCEEDED";
    public const string ConcertNotFound = "CONCERT_NOT_FOUND";
    public const string Conflict = "CONFLICT";
    public const string DrawNotFound = "DRAW_NOT_FOUND";
    public const string Forbidden = "FORBIDDEN";
    public const string HeadersTooLarge = "HEADERS_TOO_LARGE";
    public const string IdempotencyKeyInFlight = "IDEMPOTENCY_KEY_IN_FLIGHT";
    public const string IdempotencyKeyRequired = "IDEMPOTENCY_KEY_REQUIRED";
    public const string IdempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED";
    public const string InsufficientBalance = "INSUFFICIENT_BALANCE";
    public const string InternalError = "INTERNAL_ERROR";
    public const string InvalidAmount = "INVALID_AMOUNT";
    public const string InvalidRequest = "INVALID_REQUEST";
    public const string InvalidSeat = "INVALID_SEAT";
    public const string InvalidUser = "INVALID_USER";
    public const string MalformedJson = "MALFORMED_JSON";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
    public const string MonthlyLimitExceeded = "MONTHLY_LIMIT_EXCEEDED";
    public const string NotAcceptable = "NOT_ACCEPTABLE";
    public const string NotFound = "NOT_FOUND";
    public const string NotPaid = "NOT_PAID";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string QueueFull = "QUEUE_FULL";
    public const string QueueNotActive = "QUEUE_NOT_ACTIVE";
    public const string RateLimited = "RATE_LIMITED";
    public const string RefundClosed = "REFUND_CLOSED";
    public const string RequestFailed = "REQUEST_FAILED";
    public const string ReservationNotFound = "RESERVATION_NOT_FOUND";
    public const string ScheduleCancelled = "SCHEDULE_CANCELLED";
    public const string ScheduleNotFound = "SCHEDULE_NOT_FOUND";
    public const string SeatAlreadyTaken = "SEAT_ALREADY_TAKEN";
    public const string SeatNotFound = "SEAT_NOT_FOUND";
    public const string ServiceBusy = "SERVICE_BUSY";
    public const string TokenExpired = "TOKEN_EXPIRED";
    public const string TooManyTokens = "TOO_MANY_TOKENS";
    public const string TokenInvalid = "TOKEN_INVALID";
    public const string TokenNotFound = "TOKEN_NOT_FOUND";
    public const string TokenUserMismatch = "TOKEN_USER_MISMATCH";
    public const string Unauthorized = "UNAUTHORIZED";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string UriTooLong = "URI_TOO_LONG";
}

// @ts-check
// The API of this origin through a client typed by its OpenAPI document: js/api/schema.d.ts is generated from
// /openapi/v1.json (./concert client), js/vendor/openapi-fetch.js is the openapi-fetch package's build.
import createClient from "./vendor/openapi-fetch.js";

/** @typedef {import("./api/schema").paths} Paths */
/** @typedef {import("./api/schema").components["schemas"]} Schemas */
/** @typedef {Schemas["Problem"]} Problem */

/**
 * A client that sends the credentials the page holds: the fan's queue token, or the operator's admin key.
 * @param {{ token?: () => string | null, adminKey?: () => string | null }} credentials
 */
export function apiClient(credentials) {
  /** @type {import("./vendor/openapi-fetch.js").Client<Paths>} */
  const client = createClient({ baseUrl: location.origin });
  client.use({
    // No answer at all (the network, the service down): a problem like the service's own, so every caller handles one shape.
    onError() {
      return new Response(JSON.stringify({ status: 0, code: "REQUEST_FAILED", message: "The request got no answer." }),
        { status: 599, headers: { "Content-Type": "application/problem+json" } });
    },
    onRequest({ request }) {
      const token = credentials.token?.();
      if (token) request.headers.set("X-Queue-Token", token);
      const adminKey = credentials.adminKey?.();
      if (adminKey) request.headers.set("X-Admin-Key", adminKey);
      return request;
    },
  });
  return client;
}

/** A fresh Idempotency-Key: one per intended write, kept and sent again when that write is retried. */
export const newKey = () => crypto.randomUUID();

/** The problem an answer carries, or a stand-in when the network failed. */
export function problemOf(/** @type {unknown} */ error) {
  return /** @type {Problem} */ (error ?? { code: "REQUEST_FAILED", message: "The request failed." });
}

/**
 * Whether a keyed write's key must be sent again on the next try: it got no answer, or one that says nothing was
 * decided (the same key still running, too many requests, the service busy or failing). A decided refusal (402, 404,
 * 409…) is stored under its key and would be replayed: the next try is a new request with a new key.
 */
export const undecided = (/** @type {Response} */ response, /** @type {unknown} */ error) =>
  response.status >= 500 || response.status === 429 || problemOf(error).code === "IDEMPOTENCY_KEY_IN_FLIGHT";

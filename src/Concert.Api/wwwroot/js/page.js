// @ts-check
// What both pages do with their elements: find them, and say a problem in the alert line.
import { problemOf } from "./api.js";
import { problemText } from "./i18n.js";

export const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** Says a problem answer (or a failed request) in the page's alert line, by its code, in the page's language. */
/** @type {unknown} */ let shown;

export function report(/** @type {unknown} */ error) {
  shown = error;
  const problem = $("problem");
  problem.textContent = problemText(problemOf(error));
  problem.dataset.code = problemOf(error).code ?? "";
  problem.hidden = false;
}

export const clearProblem = () => { $("problem").hidden = true; };

/** The problem on show, said again in the language just chosen. */
export const retranslateProblem = () => { if (!$("problem").hidden) report(shown); };

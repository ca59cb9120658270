// The DOM helpers every page uses: element lookup by id, and the alert boxes (class "error", role="alert") that show
// what went wrong in plain words.

export const $ = (id) => document.getElementById(id);

/** Shows a problem in the alert element with this id: an Error's message, or the text itself. */
export function showError(id, problem) {
  $(id).textContent = problem.message ?? String(problem);
  $(id).hidden = false;
}

/** Hides the alert element with this id, emptied so an old message cannot reappear with the next one. */
export function clearError(id) {
  $(id).hidden = true;
  $(id).textContent = '';
}

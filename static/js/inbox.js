/* The list of conversations (templates/direct/inbox.html).
 * - The "New message" person picker: a ticked person moves from the search results (replaced by every search,
 *   htmx) to the chosen ones, so that a group can be picked over several searches.
 * - The list follows the unread count live: when /ws/me/ says it changed (static/js/notify.js), the list is
 *   read again from the server (one request, constant queries) and swapped in. */
(function () {
  "use strict";
  const found = document.getElementById("people-found");
  const chosen = document.getElementById("people-chosen");
  found.addEventListener("change", (event) => {
    const option = event.target.closest(".person-option");
    if (!option || !event.target.checked) return;
    if (chosen.querySelector(`input[value="${event.target.value}"]`)) option.remove();
    else chosen.append(option);
  });
  chosen.addEventListener("change", (event) => {
    if (!event.target.checked) event.target.closest(".person-option")?.remove();
  });
  document.addEventListener("messages:unread", () => {
    window.htmx.ajax("GET", location.pathname, {target: "#conversations", select: "#conversations", swap: "outerHTML"});
  });
})();

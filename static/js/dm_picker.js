/* The "New message" person picker (templates/direct/inbox.html): a ticked person moves from the search results
 * (replaced by every search, htmx) to the chosen ones, so that a group can be picked over several searches. */
(function () {
  "use strict";
  const found = document.getElementById("people-found");
  const chosen = document.getElementById("people-chosen");
  if (!found || !chosen) return;
  found.addEventListener("change", (event) => {
    const option = event.target.closest(".person-option");
    if (!option || !event.target.checked) return;
    if (chosen.querySelector(`input[value="${event.target.value}"]`)) option.remove();
    else chosen.append(option);
  });
  chosen.addEventListener("change", (event) => {
    if (!event.target.checked) event.target.closest(".person-option")?.remove();
  });
})();

/* The team page: its members list (roles, contributions) follows the team's events live. On a member or
 * contribution event the page is fetched again and only its #members section is swapped in, so the server's
 * rendering (escaping, translations, the viewer's buttons) is the one shown. Only for viewers of the team:
 * others get no socket (the template leaves this script out). */
(function () {
  "use strict";
  const script = document.getElementById("team-script");
  if (!script || !window.LiveTeam) return;
  const live = LiveTeam.connect(script.dataset.team, Number(script.dataset.seq) || 0);
  const reload = () => fetch(location.pathname, {credentials: "same-origin"})
    .then((response) => response.ok ? response.text() : Promise.reject(response.status))
    .then((html) => {
      const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("members");
      const members = document.getElementById("members");
      if (fresh && members) members.replaceWith(document.importNode(fresh, true));
    })
    .catch(() => dom.showError(dom.text("loadFailed")));
  ["contribution.changed", "member.added", "member.removed", "member.role_changed", "member.requested",
   "member.declined"].forEach((kind) => live.on(kind, reload));
})();

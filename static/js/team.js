/* The team page: its members section (roles, contributions, join requests, pending invitations) follows the
 * team's events live. On a member, invitation or contribution event the page is fetched again and only its
 * #members section is swapped in, so the server's rendering (escaping, translations, the viewer's buttons, the
 * addresses the events never carry) is the one shown. One fetch at a time; events meanwhile cause one more.
 * Only for viewers of the team: others get no socket (the template leaves this script out). */
(function () {
  "use strict";
  const script = document.getElementById("team-script");
  if (!script || !window.LiveTeam) return;
  const live = LiveTeam.connect(script.dataset.team, Number(script.dataset.seq) || 0);
  let busy = false;
  let again = false;

  function reload() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(location.pathname, {credentials: "same-origin"})
      .then((response) => response.ok ? response.text() : Promise.reject(response.status))
      .then((html) => {
        const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("members");
        const members = document.getElementById("members");
        if (fresh && members) members.replaceWith(document.importNode(fresh, true));
      })
      .catch(() => dom.showError(dom.text("loadFailed")))
      .finally(() => {
        busy = false;
        if (again) { again = false; reload(); }
      });
  }

  live.on("*", (data, frame) => {
    if (/^(member|invitation|contribution)\./.test(frame.event)) reload();
  });
})();

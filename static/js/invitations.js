/* The team page's pending invitations, live: whenever the team's event stream (LiveTeam, docs/realtime.md)
 * brings an invitation or membership change, the list is fetched again from the server (it holds addresses,
 * which the events never carry). One fetch at a time; changes that arrive meanwhile cause one more. */
(function () {
  "use strict";
  const script = document.getElementById("invitations-script");
  const section = document.getElementById("invitations");
  if (!script || !section || !window.LiveTeam || !window.htmx) return;
  const url = section.dataset.url;
  let busy = false;
  let again = false;

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    htmx.ajax("GET", url, {target: "#invitations", swap: "outerHTML"}).finally(() => {
      busy = false;
      if (again) { again = false; refresh(); }
    });
  }

  const live = LiveTeam.connect(script.dataset.slug, Number(script.dataset.seq) || 0);
  live.on("*", (data, frame) => {
    if (frame.event.startsWith("invitation.") || frame.event.startsWith("member.")) refresh();
  });
})();

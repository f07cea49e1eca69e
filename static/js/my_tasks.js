/* My tasks, live (docs/board.md, "My tasks").
 *
 * One team socket per team the page lists (config.teams: slug -> the seq the list was read at), each resuming
 * after its seq, so a dropped socket or a restart loses nothing. An event that touches a card of mine (assigned
 * to me now, or listed here) asks the server for the list again: grouping, dates and links stay the server's.
 */
(function () {
  "use strict";
  const config = dom.parseJSON(document.getElementById("my-tasks-config").textContent, null);
  if (!config) return;
  const target = document.getElementById("my-tasks");
  const sockets = [];
  let loading = null;  // the refresh in flight
  let again = false;   // another event arrived meanwhile: refresh once more after it

  function refresh() {
    if (loading) { again = true; return; }
    loading = window.htmx.ajax("GET", location.pathname, {target: "#my-tasks", swap: "innerHTML"})
      .finally(() => { loading = null; if (again) { again = false; refresh(); } });
  }

  function listed(slug, data) {
    if (data.card && document.getElementById(`task-${data.card}`)) return true;
    if (data.column && target.querySelector(`li.task[data-team="${slug}"][data-column="${Number(data.column)}"]`)) return true;
    return false;
  }

  function touchesMe(slug, kind, data) {
    if (kind.startsWith("team.") || kind.startsWith("member.")) return true;
    return (Array.isArray(data.assignees) && data.assignees.includes(config.me)) || listed(slug, data);
  }

  // The header shows "live" when every socket is, else the worst state of them.
  const RANK = {live: 0, connecting: 1, reconnecting: 2, offline: 3};
  const stateEl = document.querySelector("[data-live-state]");
  function showState() {
    if (!stateEl) return;
    const state = sockets.reduce((worst, live) => (RANK[live.state] > RANK[worst] ? live.state : worst), "live");
    stateEl.dataset.liveState = state;
    stateEl.className = `conn ${state}`;
    stateEl.textContent = dom.parseJSON(stateEl.dataset.labels || "{}", {})[state] || state;
    document.documentElement.classList.toggle("is-live", state === "live");  // as on the team pages
  }

  Object.entries(config.teams).forEach(([slug, seq]) => {
    const live = window.LiveTeam.open(`/ws/teams/${slug}/`, seq, {showState: false});
    const setState = live.setState.bind(live);
    live.setState = (state) => {
      setState(state);
      // Offline at once (no retries): access to the team ended (4403). Its cards leave the list; the rest stays live.
      if (state === "offline" && live.attempt === 0 && sockets.includes(live)) {
        sockets.splice(sockets.indexOf(live), 1);
        refresh();
      }
      showState();
    };
    live.on("*", (data, frame) => { if (touchesMe(slug, frame.event, data || {})) refresh(); });
    sockets.push(live);
  });
  window.myTasksLive = sockets;  // for tests and debugging
  showState();
})();

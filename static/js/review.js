/* Review pages: the team review's notes update live (LiveTeam: a review_note.added event
 * reloads the server-rendered notes list, where Markdown is sanitised); the report page
 * polls the export's status until it is ready. */
(function () {
  "use strict";
  const script = document.getElementById("review-script");
  const notes = document.querySelector("[data-notes-url]");
  if (script && notes && window.LiveTeam) {
    const seq = dom.parseJSON(document.getElementById("review-seq").textContent, 0);
    const live = LiveTeam.connect(script.dataset.team, seq);
    const reload = () => fetch(notes.dataset.notesUrl, {credentials: "same-origin"})
      .then((response) => response.ok ? response.text() : Promise.reject(response.status))
      .then((html) => { document.getElementById("notes-body").innerHTML = html; })
      .catch(() => dom.showError(dom.text("loadFailed")));
    live.on("review_note.added", reload);
  }

  const report = document.getElementById("report");
  if (report) {
    const bar = document.getElementById("report-bar");
    const label = document.getElementById("report-label");
    const percent = document.getElementById("report-progress");
    const download = document.getElementById("report-download");
    const error = document.getElementById("report-error");
    let delay = 500;
    const tick = () => fetch(report.dataset.statusUrl, {credentials: "same-origin"})
      .then((response) => response.ok ? response.text() : Promise.reject(response.status))
      .then((text) => {
        const status = dom.parseJSON(text, null);
        if (!status) return;  // an answer, but unreadable: the banner says so; asking again would not help
        bar.value = status.progress;
        percent.textContent = status.progress;
        label.textContent = status.label;
        if (status.download) {
          download.href = status.download;
          download.hidden = false;
          return;
        }
        if (status.status === "failed") {
          error.textContent = status.error || dom.parseJSON(report.dataset.labels, {}).failed;
          error.hidden = false;
          return;
        }
        delay = Math.min(delay * 1.5, 5000);
        setTimeout(tick, delay);
      })
      .catch(() => setTimeout(tick, 5000));
    if (download.hidden) tick();
  }
})();

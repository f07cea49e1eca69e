/* The team page's one live connection (protocol: docs/realtime.md).
 *
 *   const live = LiveTeam.connect(slug, seqRenderedByServer);
 *   live.on("card.moved", (data, frame) => ...);   // durable events, in seq order, exactly once
 *   live.onFrame("typing", frame => ...);          // ephemeral frames (no seq)
 *   live.send("card.move", {card: 7, ...})         // Promise: resolves on ack, rejects on error
 *
 * It resumes from the last sequence number it holds after every reconnect, so a dropped
 * socket or a restarted server loses nothing. Commands sent while disconnected wait in
 * a queue and go out after the resume. Elements with [data-live-state] show the state;
 * [data-needs-live] controls are disabled while not live.
 */
(function () {
  "use strict";
  const MAX_BACKOFF_MS = 15000;
  const PING_MS = 25000;  // the server closes a socket silent for WS_IDLE_SECONDS (default 120 s)

  class LiveTeam {
    constructor(url, seq) {
      this.url = url;
      this.seq = seq || 0;
      this.handlers = {};
      this.frameHandlers = {};
      this.pending = new Map();   // request id -> {resolve, reject, frame}
      this.queue = [];            // frames waiting for the connection
      this.attempt = 0;
      this.nextId = 1;
      this.offlineSince = null;
      this.setState("connecting");
      this.open();
    }

    static connect(slug, seq) {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      const live = new LiveTeam(`${scheme}://${location.host}/ws/teams/${slug}/`, seq);
      window.addEventListener("online", () => live.retryNow());
      return live;
    }

    on(kind, handler) { (this.handlers[kind] = this.handlers[kind] || []).push(handler); return this; }
    onFrame(type, handler) { (this.frameHandlers[type] = this.frameHandlers[type] || []).push(handler); return this; }

    send(type, data) {
      const id = `c${this.nextId++}`;
      const frame = Object.assign({type: type, id: id}, data || {});
      return new Promise((resolve, reject) => {
        this.pending.set(id, {resolve, reject, frame});
        if (this.state === "live") this.socket.send(JSON.stringify(frame));
        else this.queue.push(frame);
      });
    }

    /* Ephemeral frames (typing): dropped, not queued, when not live. */
    sendEphemeral(type, data) {
      if (this.state === "live") this.socket.send(JSON.stringify(Object.assign({type: type}, data || {})));
    }

    open() {
      this.socket = new WebSocket(this.url);
      const socket = this.socket;
      socket.onopen = () => {
        this.attempt = 0;
        socket.send(JSON.stringify({type: "resume", after: this.seq}));
        clearInterval(this.pinger);
        this.pinger = setInterval(() => {
          if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({type: "ping"}));
        }, PING_MS);
      };
      socket.onmessage = (message) => this.receive(JSON.parse(message.data));
      socket.onclose = (close) => { clearInterval(this.pinger); this.closed(close); };
    }

    receive(frame) {
      if (frame.type === "event") {
        if (frame.seq <= this.seq) return;           // already applied
        this.seq = frame.seq;
        this.emit(frame.event, frame.data, frame);
        this.emit("*", frame.data, frame);
      } else if (frame.type === "resumed") {
        // The log's end, if we claimed more (e.g. a restored server): take it, or later events would be skipped.
        this.seq = Math.min(this.seq, frame.seq);
        this.setState("live");
        const waiting = this.queue.splice(0);
        waiting.forEach((queued) => this.socket.send(JSON.stringify(queued)));
      } else if (frame.type === "ack" || frame.type === "error") {
        const request = frame.id && this.pending.get(frame.id);
        if (request) {
          this.pending.delete(frame.id);
          frame.type === "ack" ? request.resolve(frame) : request.reject(frame);
        } else if (frame.type === "error") {
          this.emitFrame("error", frame);
        }
      } else {
        this.emitFrame(frame.type, frame);
      }
    }

    emit(kind, data, frame) {
      (this.handlers[kind] || []).forEach((handler) => {
        try { handler(data, frame); } catch (error) { console.error(error); }
      });
    }

    emitFrame(type, frame) {
      (this.frameHandlers[type] || []).forEach((handler) => handler(frame));
    }

    closed(close) {
      if (close.code === 4403) {  // access revoked: retrying cannot help
        this.setState("offline");
        return;
      }
      // Requests in flight may or may not have been applied: the resume will tell, so
      // they are resent only if they never left (queue); in-flight ones are rejected.
      this.pending.forEach((request, id) => {
        if (!this.queue.includes(request.frame)) {
          request.reject({type: "error", id: id, code: "disconnected", message: this.label("disconnected")});
          this.pending.delete(id);
        }
      });
      this.setState(this.attempt >= 3 ? "offline" : "reconnecting");
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt) * (0.5 + Math.random() / 2);
      this.attempt += 1;
      this.timer = setTimeout(() => this.open(), delay);
    }

    /* Translated texts come from the page ([data-live-state] data-labels). */
    label(key) {
      const element = document.querySelector("[data-live-state]");
      const labels = element ? JSON.parse(element.dataset.labels || "{}") : {};
      return labels[key] || key;
    }

    retryNow() {
      if (this.state === "live") return;
      clearTimeout(this.timer);
      this.open();
    }

    setState(state) {
      if (state !== "live" && !this.offlineSince) this.offlineSince = new Date();
      if (state === "live") this.offlineSince = null;
      this.state = state;
      document.querySelectorAll("[data-live-state]").forEach((element) => {
        element.dataset.liveState = state;
        element.className = `conn ${state}`;
        const labels = JSON.parse(element.dataset.labels || "{}");
        let text = labels[state] || state;
        if (state === "offline" && this.offlineSince) {
          text += " " + clusterTime(this.offlineSince, "time");
        }
        element.textContent = text;
      });
      document.documentElement.classList.toggle("is-live", state === "live");
      LiveTeam.disableControls(document);
      document.dispatchEvent(new CustomEvent("live:state", {detail: {state: state, since: this.offlineSince}}));
    }
  }

  /* A time as the server's |date filter writes it: the cluster's zone, the page language's format
   * ("datetime": SHORT_DATETIME_FORMAT, "time": TIME_FORMAT) and month names, from [data-time]
   * (teams/_live_state.html). Never the browser's zone or format, so a live message and the same
   * message after a reload read alike. Knows the format letters the project's formats use. */
  function clusterTime(date, kind) {
    const element = document.querySelector("[data-time]");
    const config = JSON.parse(element.dataset.time);
    const parts = {};
    new Intl.DateTimeFormat("en-US", {timeZone: config.zone, year: "numeric", month: "numeric", day: "numeric",
                                      hour: "numeric", minute: "numeric", hourCycle: "h23"})
      .formatToParts(date).forEach((part) => { parts[part.type] = part.value; });
    const two = (value) => String(value).padStart(2, "0");
    const letters = {
      d: two(parts.day), j: String(Number(parts.day)), m: two(parts.month), n: String(Number(parts.month)),
      M: config.months[Number(parts.month) - 1], Y: parts.year, y: parts.year.slice(-2),
      H: two(parts.hour), G: String(Number(parts.hour)), i: two(parts.minute),
    };
    let out = "";
    const format = config[kind];
    for (let index = 0; index < format.length; index++) {
      const letter = format[index];
      if (letter === "\\") out += format[++index] || "";
      else out += letter in letters ? letters[letter] : letter;
    }
    return out;
  }

  /* [data-needs-live] controls write: while not live they are disabled (not only greyed), for
   * the keyboard too; also those that htmx brings in later (the card dialog). */
  LiveTeam.disableControls = (root) => {
    const off = !document.documentElement.classList.contains("is-live");
    root.querySelectorAll("[data-needs-live]").forEach((control) => { control.disabled = off; });
  };
  document.addEventListener("htmx:afterSwap", (event) => LiveTeam.disableControls(event.target));

  window.LiveTeam = LiveTeam;
  window.clusterTime = clusterTime;
})();

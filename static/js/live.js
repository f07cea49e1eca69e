/* The page's live connections (protocol: docs/realtime.md; /ws/me/: realtime/notifications.py).
 *
 *   const live = LiveTeam.connect(slug, seqRenderedByServer);   // the team socket
 *   const me = LiveTeam.personal(lastNotificationId);           // the bell's socket (static/js/notify.js)
 *   live.on("card.moved", (data, frame) => ...);   // durable events, in seq order, exactly once
 *   live.onFrame("typing", frame => ...);          // ephemeral frames (no seq)
 *   live.send("card.move", {card: 7, ...})         // Promise: resolves on ack, rejects on error
 *
 * It resumes from the last sequence number it holds after every reconnect, so a dropped
 * socket or a restarted server loses nothing. Commands sent while disconnected wait in
 * a queue and go out after the resume. For the team socket, elements with [data-live-state] show
 * the state and [data-needs-live] controls are disabled while not live; the personal socket shows
 * nothing of its own state.
 */
(function () {
  "use strict";
  const MAX_BACKOFF_MS = 15000;
  const PING_MS = 25000;  // the server closes a socket silent for WS_IDLE_SECONDS (default 120 s)
  let leaving = false;  // the page is being left (a form sent, a link followed): no reload of its own
  window.addEventListener("beforeunload", () => { leaving = true; });

  class LiveTeam {
    /* seq: the position to resume after (a team's event seq, or the last notification id);
     * showState: this socket's state is the page's ([data-live-state], [data-needs-live]);
     * resumeEveryMs: ask again that often (what a worker could not ring still shows up). */
    constructor(url, seq, {showState = true, resumeEveryMs = 0} = {}) {
      this.url = url;
      this.seq = seq || 0;
      this.showState = showState;
      this.resumeEveryMs = resumeEveryMs;
      this.handlers = {};
      this.frameHandlers = {};
      this.pending = new Map();   // request id -> {resolve, reject, frame}
      this.queue = [];            // frames waiting for the connection
      this.attempt = 0;
      this.nextId = 1;
      this.offlineSince = null;
      if (showState) document.addEventListener("htmx:afterSwap", (event) => LiveTeam.disableControls(event.target));
      this.setState("connecting");
      this.open();
    }

    static open(path, seq, options) {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      const live = new LiveTeam(`${scheme}://${location.host}${path}`, seq, options);
      window.addEventListener("online", () => live.retryNow());
      return live;
    }

    static connect(slug, seq) { return LiveTeam.open(`/ws/teams/${slug}/`, seq); }

    static personal(after) {
      return LiveTeam.open("/ws/me/", after, {showState: false, resumeEveryMs: 60000});
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
      const resume = () => socket.send(JSON.stringify({type: "resume", after: this.seq}));
      let opened = false;
      socket.onopen = () => {
        opened = true;
        this.signedOut = false;
        this.attempt = 0;
        resume();
        this.stopTimers();
        this.pinger = setInterval(() => {
          if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({type: "ping"}));
        }, PING_MS);
        if (this.resumeEveryMs) {
          this.resumer = setInterval(() => { if (socket.readyState === WebSocket.OPEN) resume(); }, this.resumeEveryMs);
        }
      };
      socket.onmessage = (message) => {
        const frame = dom.parseJSON(message.data, null);  // bad data: the banner, the socket goes on
        if (frame) this.receive(frame);
      };
      socket.onclose = (close) => { this.stopTimers(); this.closed(close, opened); };
    }

    stopTimers() {
      clearInterval(this.pinger);
      clearInterval(this.resumer);
    }

    receive(frame) {
      if (frame.type === "event") {
        if (frame.seq <= this.seq) return;           // already applied
        this.seq = frame.seq;
        this.emit(frame.event, frame.data, frame);
        this.emit("*", frame.data, frame);
      } else if (frame.type === "resumed") {
        // The log's end, if we claimed more (e.g. a restored server): take it, or later events would be skipped.
        if (typeof frame.seq === "number") this.seq = Math.min(this.seq, frame.seq);
        this.setState("live");
        const waiting = this.queue.splice(0);
        waiting.forEach((queued) => this.socket.send(JSON.stringify(queued)));
        this.emitFrame("resumed", frame);
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

    closed(close, opened) {
      // Signed out (4401: logged out, deactivated, password changed): one more try tells whether this page still is
      // signed in (a password changed in this very window keeps it so); refused, the page asks again, which leads
      // to the login page and back here (?next=), instead of retrying.
      if (close.code === 4401) {
        this.signedOut = true;
      } else if (this.signedOut && !opened) {
        this.setState("offline");
        if (!leaving) window.location.reload();
        return;
      }
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
      const labels = element ? dom.parseJSON(element.dataset.labels || "{}", {}) : {};
      return labels[key] || key;
    }

    /* Now, not after the back-off: the socket still connecting (or a dead one) is closed first, so
     * there is never a second socket resuming alongside it. */
    retryNow() {
      if (this.state === "live") return;
      clearTimeout(this.timer);
      const old = this.socket;
      old.onopen = old.onmessage = old.onclose = null;
      this.stopTimers();
      old.close();
      this.open();
    }

    setState(state) {
      if (state !== "live" && !this.offlineSince) this.offlineSince = new Date();
      if (state === "live") this.offlineSince = null;
      this.state = state;
      if (!this.showState) return;
      document.querySelectorAll("[data-live-state]").forEach((element) => {
        element.dataset.liveState = state;
        element.className = `conn ${state}`;
        let text = this.label(state);
        if (state === "offline" && this.offlineSince) {
          text += " " + dom.clusterTime(this.offlineSince, "time");
        }
        element.textContent = text;
      });
      document.documentElement.classList.toggle("is-live", state === "live");
      LiveTeam.disableControls(document);
      document.dispatchEvent(new CustomEvent("live:state", {detail: {state: state, since: this.offlineSince}}));
    }
  }

  /* [data-needs-live] controls write: while not live they are disabled (not only greyed), for
   * the keyboard too; also those that htmx brings in later (the card dialog). */
  LiveTeam.disableControls = (root) => {
    const off = !document.documentElement.classList.contains("is-live");
    root.querySelectorAll("[data-needs-live]").forEach((control) => { control.disabled = off; });
  };

  window.LiveTeam = LiveTeam;
})();

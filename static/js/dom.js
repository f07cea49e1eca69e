/* Helpers every page script shares (loaded by templates/base.html before them): building elements,
 * label colours, dates written as the server writes them, and the one way to show an error — the
 * page's banner (#error-banner), never window.alert. Text from the server is parsed with
 * dom.parseJSON: bad data shows the banner instead of throwing.
 */
(function () {
  "use strict";
  const PALETTE_KEY = /^[a-z]{1,7}$/;
  let bannerTimer = null;

  /* An element with a class and text (set as text, never as HTML). */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // A label's colour is a palette key (teams.board.labels.PALETTE); board.css paints each key.
  function paintLabel(node, color) {
    node.dataset.labelColor = PALETTE_KEY.test(color) ? color : "slate";
  }

  function showError(message) {
    const banner = document.getElementById("error-banner");
    if (!banner) { console.error(message); return; }
    banner.textContent = `${banner.dataset.prefix} ${message}`;
    banner.hidden = false;
    clearTimeout(bannerTimer);
    bannerTimer = setTimeout(() => { banner.hidden = true; }, 8000);
  }

  /* The banner's own translated texts (data-bad-data, data-load-failed in templates/base.html). */
  function text(name) {
    const banner = document.getElementById("error-banner");
    return banner ? banner.dataset[name] : name;
  }

  function parseJSON(json, fallback) {
    try {
      return JSON.parse(json);
    } catch (error) {
      showError(text("badData"));
      return fallback;
    }
  }

  /* A date in a Django format (DATE_FORMAT, SHORT_DATETIME_FORMAT, TIME_FORMAT) from its parts
   * ({year, month, day, hour, minute} as numbers); knows the letters the project's formats use. */
  function formatDate(format, parts, monthsShort, months) {
    const two = (value) => String(value).padStart(2, "0");
    const letters = {
      d: two(parts.day), j: String(parts.day), m: two(parts.month), n: String(parts.month),
      M: monthsShort[parts.month - 1], F: months && months[parts.month - 1],
      Y: String(parts.year), y: String(parts.year).slice(-2),
      H: two(parts.hour), G: String(parts.hour), i: two(parts.minute),
    };
    return format.replace(/\\?./g, (c) => (c.length === 2 ? c[1] : (letters[c] !== undefined ? letters[c] : c)));
  }

  /* A time as the server's |date filter writes it: the cluster's zone, the page language's format
   * ("datetime": SHORT_DATETIME_FORMAT, "time": TIME_FORMAT) and month names, from [data-time]
   * (teams/_live_state.html). Never the browser's zone or format, so a live message and the same
   * message after a reload read alike. */
  function clusterTime(date, kind) {
    const element = document.querySelector("[data-time]");
    const config = element && parseJSON(element.dataset.time, null);
    if (!config) return date.toISOString();
    const parts = {};
    new Intl.DateTimeFormat("en-US", {timeZone: config.zone, year: "numeric", month: "numeric", day: "numeric",
                                      hour: "numeric", minute: "numeric", hourCycle: "h23"})
      .formatToParts(date).forEach((part) => { parts[part.type] = Number(part.value); });
    return formatDate(config[kind], parts, config.months);
  }

  /* "2026-12-18" with a Django DATE_FORMAT ({format, monthsShort, months} from the page). */
  function isoDateText(iso, dateFormat) {
    const [year, month, day] = iso.split("-").map(Number);
    return formatDate(dateFormat.format, {year, month, day}, dateFormat.monthsShort, dateFormat.months);
  }

  window.dom = {el, paintLabel, showError, text, parseJSON, formatDate, clusterTime, isoDateText};
})();

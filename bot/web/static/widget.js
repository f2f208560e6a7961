/*
 * awardbot chat widget. Embed it in any page with ONE tag:
 *
 *   <script src="https://HOST/static/widget.js" defer></script>
 *
 * (optional: data-locale="en" or "zh-CN"). The API base is derived from this script's own src;
 * the UI strings come from GET /api/i18n/{locale}; the conversation from the chat API
 * (CONTRACT §6). Server and user text is only ever inserted with textContent. The session id is
 * kept in localStorage, so a reload resumes the conversation with GET /api/sessions/{id}.
 */
(function () {
  "use strict";
  if (window.__awardbotWidgetLoaded) return;
  window.__awardbotWidgetLoaded = true;

  var script = document.currentScript || (function () {
    var found = document.querySelectorAll('script[src*="/static/widget.js"]');
    return found[found.length - 1];
  })();
  var apiBase = new URL(script.src, location.href).href.replace(/\/static\/widget\.js([?#].*)?$/, "");
  var storageKey = "awardbot-widget:" + apiBase;

  function normalizeLocale(value) {
    return String(value || "").toLowerCase().indexOf("en") === 0 ? "en" : "zh-CN";
  }

  function loadSaved() {
    try { return JSON.parse(localStorage.getItem(storageKey) || "{}") || {}; } catch (e) { return {}; }
  }

  var saved = loadSaved();
  var state = {
    sessionId: saved.sessionId || null,
    locale: saved.locale || normalizeLocale(script.getAttribute("data-locale") ||
                                            document.documentElement.lang || navigator.language),
    open: false,
    strings: {},
    turn: null,
    busy: false,
    renderedTurns: 0
  };
  var ui = {};

  function save() {
    try {
      localStorage.setItem(storageKey, JSON.stringify({
        sessionId: state.sessionId, open: state.open, locale: state.locale
      }));
    } catch (e) { /* storage disabled: the conversation just won't survive a reload */ }
  }

  function s(key, params) {
    var text = state.strings[key] || "";
    Object.keys(params || {}).forEach(function (name) { text = text.split("{" + name + "}").join(String(params[name])); });
    return text;
  }

  // --- DOM helpers (text only through textContent) ---------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else if (name.indexOf("on") === 0) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function chatIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z");
    svg.appendChild(path);
    return svg;
  }

  // --- API -------------------------------------------------------------------------------

  async function api(method, path, body) {
    var options = { method: method, headers: { "Accept": "application/json", "Accept-Language": state.locale } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    var response = await fetch(apiBase + path, options);
    var data = {};
    try { data = await response.json(); } catch (e) { /* empty or non-JSON body */ }
    return { status: response.status, ok: response.ok, data: data };
  }

  async function loadStrings(locale) {
    var result = await api("GET", "/api/i18n/" + encodeURIComponent(locale));
    if (!result.ok) throw new Error("awardbot widget: no UI strings for " + locale);
    state.strings = result.data.messages;
    state.locale = locale;
  }

  // --- building the widget ---------------------------------------------------------------

  function build() {
    var host = el("div", { className: "awardbot-widget", style: "display:none" });
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    var stylesheet = el("link", { rel: "stylesheet", href: apiBase + "/static/widget.css" });
    stylesheet.addEventListener("load", function () { host.style.display = ""; });
    stylesheet.addEventListener("error", function () { host.style.display = ""; });
    root.appendChild(stylesheet);

    ui.bubbleLabel = el("span", { className: "ab-bubble-label" });
    ui.bubble = el("button", {
      type: "button", className: "ab-bubble", "aria-expanded": "false", "aria-controls": "ab-panel",
      onclick: function () { if (state.open) closePanel(); else openPanel(); }
    }, [chatIcon(), ui.bubbleLabel]);

    ui.title = el("h2", { id: "ab-title", className: "ab-title" });
    ui.subtitle = el("p", { className: "ab-subtitle" });
    ui.langButton = el("button", { type: "button", className: "ab-tool ab-lang", onclick: switchLanguage });
    ui.restartButton = el("button", { type: "button", className: "ab-tool ab-restart", onclick: restart });
    ui.closeButton = el("button", { type: "button", className: "ab-tool ab-close", onclick: closePanel, text: "×" });
    ui.progressBar = el("div", { className: "ab-progress-bar" });
    ui.progress = el("div", { className: "ab-progress", role: "progressbar", "aria-valuemin": "0", hidden: true },
                     [ui.progressBar]);
    ui.log = el("div", { className: "ab-log", role: "log", "aria-live": "polite", "aria-relevant": "additions" });
    ui.options = el("div", { className: "ab-options", role: "group" });
    ui.inputLabel = el("label", { className: "ab-visually-hidden", "for": "ab-input" });
    ui.input = el("input", { id: "ab-input", className: "ab-input", type: "text", autocomplete: "off",
                             maxlength: "2000", enterkeyhint: "send" });
    ui.send = el("button", { type: "submit", className: "ab-send" });
    ui.form = el("form", { className: "ab-form", onsubmit: onSubmit }, [ui.inputLabel, ui.input, ui.send]);
    ui.status = el("div", { className: "ab-status", role: "status", "aria-live": "polite" });

    ui.panel = el("section", { id: "ab-panel", className: "ab-panel", role: "dialog", "aria-modal": "false",
                               "aria-labelledby": "ab-title", hidden: true }, [
      el("header", { className: "ab-header" }, [
        el("div", { className: "ab-heading" }, [ui.title, ui.subtitle]),
        el("div", { className: "ab-tools" }, [ui.langButton, ui.restartButton, ui.closeButton])
      ]),
      ui.progress,
      ui.log,
      el("div", { className: "ab-answer" }, [ui.options, ui.form, ui.status])
    ]);
    ui.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") closePanel();
    });

    root.appendChild(ui.panel);
    root.appendChild(ui.bubble);
    document.body.appendChild(host);
    applyStrings();
  }

  function applyStrings() {
    ui.bubbleLabel.textContent = s("bubble");
    ui.bubble.setAttribute("aria-label", s("open"));
    ui.title.textContent = s("title");
    ui.subtitle.textContent = s("subtitle");
    ui.langButton.textContent = s("language_switch");
    ui.langButton.setAttribute("aria-label", s("language_switch_label"));
    ui.langButton.setAttribute("lang", state.locale === "en" ? "zh-CN" : "en");
    ui.restartButton.textContent = s("restart");
    ui.closeButton.setAttribute("aria-label", s("close"));
    ui.closeButton.setAttribute("title", s("close"));
    ui.options.setAttribute("aria-label", s("options_label"));
    ui.inputLabel.textContent = s("input_label");
    ui.send.textContent = s("send");
    ui.panel.setAttribute("lang", state.locale);
  }

  // --- panel -----------------------------------------------------------------------------

  async function openPanel() {
    state.open = true;
    save();
    ui.panel.hidden = false;
    ui.bubble.setAttribute("aria-expanded", "true");
    ui.bubble.classList.add("ab-bubble-open");
    if (!state.turn) {
      if (state.sessionId) await resume();
      else await startSession();
    } else {
      focusAnswer();
    }
  }

  function closePanel() {
    state.open = false;
    save();
    ui.panel.hidden = true;
    ui.bubble.setAttribute("aria-expanded", "false");
    ui.bubble.classList.remove("ab-bubble-open");
    ui.bubble.focus();
  }

  // --- conversation ----------------------------------------------------------------------

  // retries: how often to send again after a network error or a 5xx (safe for messages: they carry
  // the turn they answer, and the server applies a turn's answer once)
  async function request(method, path, body, retries) {
    setBusy(true);
    try {
      for (var attempt = 0; ; attempt++) {
        var last = attempt >= (retries || 0);
        try {
          var result = await api(method, path, body);
          if (result.status < 500 || last) return result;
        } catch (e) {
          if (last) throw e;
        }
        await new Promise(function (resolve) { setTimeout(resolve, 700); });
      }
    } catch (e) {
      showStatus(s("error_network"), true);
      return null;
    } finally {
      setBusy(false);
    }
  }

  async function startSession(notice) {
    var result = await request("POST", "/api/sessions", { locale: state.locale });
    if (!result) return;
    if (!result.ok) { showStatus(result.data.message || s("error_network"), true); return; }
    ui.log.textContent = "";
    if (notice) appendNote(notice);
    state.sessionId = result.data.session_id;
    save();
    await showTurn(result.data);
  }

  async function resume() {
    var result = await request("GET", "/api/sessions/" + encodeURIComponent(state.sessionId));
    if (!result) return;
    if (result.status === 404) { forgetSession(); await startSession(s("session_gone")); return; }
    if (!result.ok) { showStatus(result.data.message || s("error_network"), true); return; }
    await showTurn(result.data);
  }

  function forgetSession() {
    state.sessionId = null;
    state.turn = null;
    save();
  }

  async function send(text, shown) {
    if (state.busy || !text) return;
    if (!state.sessionId) { await startSession(); return; }
    appendMessage("user", shown || text);
    var result = await request("POST", "/api/sessions/" + encodeURIComponent(state.sessionId) + "/messages",
                               { text: text, turn: state.turn ? state.turn.turn : undefined }, 1);
    if (!result) return;
    if (result.status === 404) { forgetSession(); await startSession(s("session_gone")); return; }
    if (!result.ok) { showStatus(result.data.message || s("error_network"), true); return; }
    await showTurn(result.data);
  }

  function onSubmit(event) {
    event.preventDefault();
    var text = ui.input.value.trim();
    if (!text) { ui.input.focus(); return; }
    ui.input.value = "";
    send(text);
  }

  function switchLanguage() { send(s("language_switch_command"), s("language_switch")); }

  function restart() {
    if (!state.sessionId) { startSession(); return; }
    ui.log.textContent = "";
    send(s("restart_command"), s("restart"));
  }

  async function showTurn(turn) {
    state.turn = turn;
    var switched = false;
    if (turn.locale && turn.locale !== state.locale) {
      try { await loadStrings(turn.locale); applyStrings(); save(); switched = true; } catch (e) { /* keep the old strings */ }
    }
    showStatus("");
    var from = typeof turn.result_messages_from === "number" ? turn.result_messages_from : turn.messages.length;
    var first = null;
    turn.messages.slice(0, from).forEach(function (text) {
      var node = appendMessage("bot", text);
      first = first || node;
    });
    var result = null;
    if (turn.done && turn.assessment && (typeof turn.result_messages_from === "number" || switched)) {
      result = appendResult(turn);
    }
    showProgress(turn);
    showAnswerControls(turn);
    if (result) {
      ui.log.scrollTop = result.offsetTop - 8;
      result.querySelector(".ab-total").focus({ preventScroll: true });
    } else {
      ui.log.scrollTop = ui.log.scrollHeight;
      focusAnswer();
    }
    ui.panel.setAttribute("data-turns", String(++state.renderedTurns));  // for tests: a turn is on screen
  }

  // --- messages --------------------------------------------------------------------------

  function appendMessage(who, text) {
    var node = el("div", { className: "ab-msg ab-msg-" + who }, [
      el("span", { className: "ab-visually-hidden", text: s(who === "user" ? "user_label" : "bot_label") + s("label_separator") }),
      el("span", { className: "ab-msg-text", text: text })
    ]);
    ui.log.appendChild(node);
    ui.log.scrollTop = ui.log.scrollHeight;
    return node;
  }

  function appendNote(text) {
    ui.log.appendChild(el("div", { className: "ab-note", text: text }));
  }

  function showStatus(text, isError) {
    ui.status.textContent = text || "";
    ui.status.classList.toggle("ab-status-error", !!isError);
  }

  function setBusy(busy) {
    state.busy = busy;
    ui.panel.setAttribute("aria-busy", busy ? "true" : "false");
    Array.prototype.forEach.call(ui.panel.querySelectorAll(".ab-answer button, .ab-answer input"), function (node) {
      node.disabled = busy;
    });
    if (busy) showStatus(s("working"));
  }

  function showProgress(turn) {
    var progress = turn.progress;
    if (!progress || turn.done) { ui.progress.hidden = true; return; }
    ui.progress.hidden = false;
    var total = Math.max(progress.total, progress.step);
    ui.progress.setAttribute("aria-valuemax", String(total));
    ui.progress.setAttribute("aria-valuenow", String(progress.step));
    ui.progress.setAttribute("aria-label", s("progress", { step: progress.step, total: total }));
    ui.progressBar.style.width = Math.round(100 * progress.step / total) + "%";
  }

  // --- answer controls -------------------------------------------------------------------

  function optionButton(option) {
    return el("button", { type: "button", className: "ab-option", text: option.label,
                          onclick: function () { send(option.id, option.label); } });
  }

  function showAnswerControls(turn) {
    ui.options.textContent = "";
    var expects = turn.expects;
    if (!expects) {
      ui.input.placeholder = s("change_hint");
      ui.options.appendChild(el("div", { className: "ab-row" }, [
        el("button", { type: "button", className: "ab-option ab-secondary", text: s("restart"), onclick: restart })
      ]));
      return;
    }
    var options = expects.options || [];
    if (expects.kind === "multi") {
      var boxes = options.map(function (option) {
        var box = el("input", { type: "checkbox", value: option.id, "data-label": option.label });
        return el("label", { className: "ab-check" }, [box, el("span", { text: option.label })]);
      });
      ui.options.appendChild(el("fieldset", { className: "ab-multi" }, [
        el("legend", { className: "ab-hint", text: s("multi_hint") })
      ].concat(boxes)));
      ui.options.appendChild(el("div", { className: "ab-row" }, [
        el("button", { type: "button", className: "ab-option ab-primary", text: s("multi_done"), onclick: function () {
          var checked = Array.prototype.filter.call(ui.options.querySelectorAll("input[type=checkbox]"),
                                                    function (box) { return box.checked; });
          if (!checked.length) { send(s("none_command"), s("none")); return; }
          send(checked.map(function (box) { return box.value; }).join(","),
               checked.map(function (box) { return box.getAttribute("data-label"); })
                      .join(state.locale === "en" ? ", " : "、"));
        } }),
        el("button", { type: "button", className: "ab-option", text: s("none"),
                       onclick: function () { send(s("none_command"), s("none")); } }),
        skipButton()
      ]));
    } else if (options.length > 8) {
      ui.options.appendChild(el("div", { className: "ab-choices ab-choices-many" }, options.map(optionButton)));
      ui.options.appendChild(el("div", { className: "ab-row" }, [skipButton()]));
    } else if (options.length) {
      ui.options.appendChild(el("div", { className: "ab-choices" }, options.map(optionButton).concat([skipButton()])));
    } else {
      ui.options.appendChild(el("div", { className: "ab-row" }, [skipButton()]));
    }
    ui.input.placeholder = options.length ? s("input_placeholder_choice") : s("input_placeholder");
    ui.input.setAttribute("inputmode", expects.kind === "integer" ? "numeric" : "text");
  }

  function skipButton() {
    return el("button", { type: "button", className: "ab-option ab-secondary", text: s("skip"),
                          onclick: function () { send(s("skip_command"), s("skip")); } });
  }

  function focusAnswer() {
    var target = ui.options.querySelector(".ab-choices button, input[type=checkbox]");
    var expects = state.turn && state.turn.expects;
    if (!target || (expects && (expects.kind === "amount" || expects.kind === "integer" || expects.kind === "text"))) {
      target = ui.input;
    }
    target.focus({ preventScroll: true });
  }

  // --- the result ------------------------------------------------------------------------

  function section(title, children) {
    return el("section", { className: "ab-section" }, [el("h3", { className: "ab-section-title", text: title })]
      .concat(children));
  }

  function citationBlock(match) {
    var cite = match.citation || {};
    return el("details", { className: "ab-citation" }, [
      el("summary", { text: s("source_label") + s("label_separator") + [cite.document, cite.article].join(" ") }),
      el("blockquote", { className: "ab-quote", text: cite.quote || "" })
    ]);
  }

  function field(label, text, className) {
    if (!text) return null;
    return el("p", { className: "ab-field " + (className || "") }, [
      el("span", { className: "ab-field-label", text: label + s("label_separator") }), el("span", { text: text })
    ]);
  }

  function awardCard(match, amount) {
    var reasons = (match.reasons || []).map(function (reason) { return el("li", { text: reason }); });
    return el("article", { className: "ab-card" + (match.counted_in_total === false ? " ab-card-muted" : "") }, [
      el("h4", { className: "ab-card-title", text: match.title || match.rule_id }),
      el("p", { className: "ab-amount" }, [
        el("span", { className: "ab-field-label", text: s("amount_label") + s("label_separator") }),
        el("strong", { text: amount })
      ]),
      match.stacking_note ? el("p", { className: "ab-stacking", text: match.stacking_note }) : null,
      reasons.length ? el("div", { className: "ab-reasons" }, [
        el("span", { className: "ab-field-label", text: s("reasons_label") + s("label_separator") }), el("ul", {}, reasons)
      ]) : null,
      citationBlock(match),
      field(s("unit_label"), match.responsible_unit),
      (match.caveats || []).length ? field(s("caveat_label"), match.caveats.join(state.locale === "en" ? " " : "")) : null
    ]);
  }

  function appendResult(turn) {
    var assessment = turn.assessment;
    var formatted = turn.formatted || { total: String(assessment.total_max_award_cny), matches: [] };
    var eligible = [], possible = [], inactive = [];
    (assessment.matches || []).forEach(function (match, index) {
      var item = { match: match, amount: formatted.matches[index] || "" };
      if (match.status === "eligible") eligible.push(item);
      else if (match.status === "possible") possible.push(item);
      else inactive.push(item);
    });
    var reportUrl = apiBase + "/api/sessions/" + encodeURIComponent(state.sessionId) + "/report";
    var parts = [
      el("div", { className: "ab-total", tabindex: "-1" }, [
        el("div", { className: "ab-total-label", text: s("total_label") }),
        el("div", { className: "ab-total-value", text: formatted.total }),
        el("div", { className: "ab-total-count", text: s("eligible_count", { count: eligible.length }) }),
        el("p", { className: "ab-total-note", text: s("total_note") })
      ]),
      el("a", { className: "ab-report-link", href: reportUrl, target: "_blank", rel: "noopener",
                text: s("report_link") })
    ];
    if (eligible.length) {
      parts.push(section(s("eligible_title"), eligible.map(function (item) { return awardCard(item.match, item.amount); })));
    }
    if (possible.length) {
      parts.push(section(s("possible_title"), possible.map(function (item) {
        return el("article", { className: "ab-card ab-card-possible" }, [
          el("h4", { className: "ab-card-title", text: item.match.title || item.match.rule_id }),
          el("p", { className: "ab-amount" }, [
            el("span", { className: "ab-field-label", text: s("amount_label") + s("label_separator") }),
            el("strong", { text: item.amount })
          ]),
          el("p", { className: "ab-missing", text: s("missing", {
            facts: (item.match.missing_labels || item.match.missing || []).join(state.locale === "en" ? ", " : "、")
          }) }),
          citationBlock(item.match)
        ]);
      })));
    }
    if ((assessment.near_misses || []).length) {
      parts.push(section(s("near_misses_title"), [el("ul", { className: "ab-list" },
        assessment.near_misses.map(function (near) { return el("li", { text: near.text }); }))]));
    }
    if (inactive.length) {
      parts.push(section(s("inactive_title"), [el("ul", { className: "ab-list" }, inactive.map(function (item) {
        return el("li", { text: (item.match.title || item.match.rule_id) + s("label_separator") +
                                  (item.match.status_note || item.match.status) });
      }))]));
    }
    parts.push(el("p", { className: "ab-disclaimer", text: s("disclaimer") }));
    var node = el("div", { className: "ab-result" }, parts);
    ui.log.appendChild(node);
    return node;
  }

  // --- start -----------------------------------------------------------------------------

  async function init() {
    try {
      await loadStrings(state.locale);
    } catch (e) {
      if (window.console) console.error(e);
      return;
    }
    build();
    if (saved.open) openPanel();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

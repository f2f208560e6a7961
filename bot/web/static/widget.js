/*
 * awardbot chat widget. Embed it in any page with ONE tag:
 *
 *   <script src="https://HOST/static/widget.js" defer></script>
 *
 * (optional: data-locale="en" or "zh-CN"). The API base is derived from this script's own src;
 * the UI strings come from GET /api/i18n/{locale}; the conversation from the chat API
 * (CONTRACT §6). Server and user text is only ever inserted with textContent. The session id is
 * kept in localStorage, so a reload resumes the conversation with GET /api/sessions/{id}, whose
 * "history" holds what was shown and said before the turn on screen.
 *
 * The widget sets no inline styles (the host page's CSP may forbid them): every look is a class
 * of widget.css, loaded into the widget's shadow root. Results are laid out as the server groups
 * them (turn.result.sections); nothing is regrouped here.
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
    renderedTurns: 0,
    messageCount: 0,
    askRequestId: null,
    shownAnswers: {}
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

  // --- DOM helpers (text only through textContent, never a style attribute) ---------------

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
    var host = el("div", { className: "awardbot-widget", hidden: true });  // shown once its CSS is in
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    var stylesheet = el("link", { rel: "stylesheet", href: apiBase + "/static/widget.css" });
    stylesheet.addEventListener("load", function () { host.hidden = false; });
    stylesheet.addEventListener("error", function () { host.hidden = false; });
    root.appendChild(stylesheet);

    ui.bubbleLabel = el("span", { className: "ab-bubble-label" });
    ui.bubble = el("button", {
      type: "button", className: "ab-bubble", "aria-expanded": "false", "aria-controls": "ab-panel",
      "aria-haspopup": "dialog", onclick: function () { if (state.open) closePanel(); else openPanel(); }
    }, [chatIcon(), ui.bubbleLabel]);

    ui.title = el("h2", { id: "ab-title", className: "ab-title" });
    ui.subtitle = el("p", { className: "ab-subtitle" });
    ui.langButton = el("button", { type: "button", className: "ab-tool ab-lang", onclick: switchLanguage });
    ui.restartButton = el("button", { type: "button", className: "ab-tool ab-restart", onclick: restart });
    ui.closeButton = el("button", { type: "button", className: "ab-tool ab-close", onclick: closePanel, text: "×" });
    ui.progress = el("progress", { className: "ab-progress", max: "1", value: "0", hidden: true });
    // focusable, so the keyboard can scroll it when it holds nothing else to focus
    ui.log = el("div", { className: "ab-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
                         tabindex: "0" });
    ui.options = el("div", { className: "ab-options" });
    ui.inputLabel = el("label", { className: "ab-visually-hidden", "for": "ab-input" });
    ui.input = el("input", { id: "ab-input", className: "ab-input", type: "text", autocomplete: "off",
                             maxlength: "2000", enterkeyhint: "send" });
    ui.send = el("button", { type: "submit", className: "ab-send" });
    ui.form = el("form", { className: "ab-form", onsubmit: onSubmit }, [ui.inputLabel, ui.input, ui.send]);
    ui.status = el("div", { className: "ab-status", role: "status", "aria-live": "polite" });
    ui.answerArea = el("div", { className: "ab-answer" }, [ui.options, ui.form, ui.status]);
    buildAsk();

    ui.panel = el("section", { id: "ab-panel", className: "ab-panel", role: "dialog", "aria-modal": "false",
                               "aria-labelledby": "ab-title", hidden: true }, [
      el("div", { className: "ab-header" }, [
        el("div", { className: "ab-heading" }, [ui.title, ui.subtitle]),
        el("div", { className: "ab-tools" }, [ui.langButton, ui.restartButton, ui.closeButton])
      ]),
      ui.progress,
      ui.log,
      ui.answerArea,
      ui.askForm
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
    ui.bubbleLabel.textContent = s("bubble");  // the visible label is the button's name (WCAG 2.5.3)
    ui.bubble.setAttribute("title", s("open"));
    ui.title.textContent = s("title");
    ui.subtitle.textContent = s("subtitle");
    ui.langButton.textContent = s("language_switch");
    ui.langButton.setAttribute("aria-label", s("language_switch_label"));
    ui.langButton.setAttribute("lang", state.locale === "en" ? "zh-CN" : "en");
    ui.restartButton.textContent = s("restart");
    ui.closeButton.setAttribute("aria-label", s("close"));
    ui.closeButton.setAttribute("title", s("close"));
    ui.inputLabel.textContent = s("input_label");
    ui.log.setAttribute("aria-label", s("log_label"));
    ui.send.textContent = s("send");
    applyAskStrings();
    ui.panel.setAttribute("lang", state.locale);  // each message carries its own lang
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
      return { status: 0, ok: false, data: {} };
    } finally {
      setBusy(false);
    }
  }

  /* A failed request leaves everything as it was (focus too) and says why in the status line. */
  function failed(result) {
    showStatus((result.data && result.data.message) || s("error_network"), true);
  }

  async function startSession(notice) {
    var result = await request("POST", "/api/sessions", { locale: state.locale });
    if (!result.ok) { failed(result); return; }
    clearLog();
    if (notice) appendNote(notice);
    state.sessionId = result.data.session_id;
    save();
    await showTurn(result.data);
  }

  async function resume() {
    var result = await request("GET", "/api/sessions/" + encodeURIComponent(state.sessionId));
    if (result.status === 404) { forgetSession(); await startSession(s("session_gone")); return; }
    if (!result.ok) { failed(result); return; }
    clearLog();
    state.shownAnswers = {};
    (result.data.history || []).forEach(appendHistoryEntry);
    await showTurn(result.data);
    await showStaffAnswers();
  }

  function forgetSession() {
    state.sessionId = null;
    state.turn = null;
    save();
  }

  async function send(text, shown, shownLang) {
    if (state.busy || !text) return;
    if (!state.sessionId) { await startSession(); return; }
    var result = await request("POST", "/api/sessions/" + encodeURIComponent(state.sessionId) + "/messages",
                               { text: text, turn: state.turn ? state.turn.turn : undefined }, 1);
    if (result.status === 404) { forgetSession(); await startSession(s("session_gone")); return; }
    if (!result.ok) { failed(result); return; }
    appendMessage("user", shown || text, shownLang || state.locale);
    if (result.data.ask_person) { openAsk(result.data.ask_person.text); return; }  // "转人工" typed: nothing applied
    await showTurn(result.data);
  }

  function onSubmit(event) {
    event.preventDefault();
    if (state.busy) return;
    var text = ui.input.value.trim();
    if (!text) { ui.input.focus(); return; }
    send(text).then(function () { if (!ui.status.classList.contains("ab-status-error")) ui.input.value = ""; });
  }

  function switchLanguage() {  // "English" / "中文" is written in the language it switches to
    send(s("language_switch_command"), s("language_switch"), state.locale === "en" ? "zh-CN" : "en");
  }

  function restart() {
    if (!state.sessionId) { startSession(); return; }
    send(s("restart_command"), s("restart"));
  }

  async function showTurn(turn) {
    state.turn = turn;
    if (turn.locale && turn.locale !== state.locale) {
      try { await loadStrings(turn.locale); applyStrings(); save(); } catch (e) { /* keep the old strings */ }
    }
    showStatus("");
    var lang = turn.locale || state.locale;
    var hasResult = turn.done && turn.result;
    var from = hasResult && typeof turn.result_messages_from === "number" ? turn.result_messages_from : turn.messages.length;
    var question = null;
    turn.messages.slice(0, from).forEach(function (text) { question = appendMessage("bot", text, lang); });
    var result = hasResult ? appendResult(turn.result, lang) : null;
    showProgress(turn);
    showAnswerControls(turn, question);
    if (result) {
      result.scrollIntoView({ block: "start" });
      result.querySelector(".ab-total").focus();  // read once: the result itself is not live
    } else {
      if (question) question.scrollIntoView({ block: "nearest" });
      focusAnswer();
    }
    ui.panel.setAttribute("data-turns", String(++state.renderedTurns));  // for tests: a turn is on screen
  }

  // --- messages --------------------------------------------------------------------------

  function clearLog() {
    ui.log.textContent = "";
  }

  function appendMessage(who, text, lang) {
    var id = "ab-msg-" + (++state.messageCount);  // on the text: it names the question's option group
    var node = el("div", { className: "ab-msg ab-msg-" + who, lang: lang }, [
      el("span", { className: "ab-visually-hidden", text: s(who === "user" ? "user_label" : "bot_label") + s("label_separator") }),
      el("span", { id: id, className: "ab-msg-text", text: text })
    ]);
    ui.log.appendChild(node);
    ui.log.scrollTop = ui.log.scrollHeight;
    return node;
  }

  function appendHistoryEntry(entry) {
    if (entry.role === "result") {
      ui.log.appendChild(el("div", { className: "ab-note ab-earlier-result", lang: entry.lang },
                            [el("span", { text: s("earlier_result", { total: entry.text }) })]));
    } else {
      appendMessage(entry.role === "user" ? "user" : "bot", entry.text, entry.lang);
    }
  }

  function appendNote(text) {
    ui.log.appendChild(el("div", { className: "ab-note", text: text }));
  }

  function showStatus(text, isError) {
    ui.status.textContent = text || "";
    ui.status.classList.toggle("ab-status-error", !!isError);
  }

  /* Busy controls are marked aria-disabled, never disabled: a disabled control would drop the
   * keyboard focus to <body>. Their handlers do nothing while state.busy. */
  function setBusy(busy) {
    state.busy = busy;
    ui.panel.setAttribute("aria-busy", busy ? "true" : "false");
    Array.prototype.forEach.call(ui.panel.querySelectorAll(".ab-answer button, .ab-answer input, .ab-tools button, .ab-ask button"),
      function (node) {
        if (busy) node.setAttribute("aria-disabled", "true");
        else node.removeAttribute("aria-disabled");
      });
    if (busy) showStatus(s("working"));
    else if (ui.status.textContent === s("working")) showStatus("");
  }

  function showProgress(turn) {
    var progress = turn.progress;
    if (!progress || turn.done) { ui.progress.hidden = true; return; }
    ui.progress.hidden = false;
    var total = Math.max(progress.total, progress.step);
    ui.progress.max = total;
    ui.progress.value = progress.step;
    ui.progress.setAttribute("aria-label", s("progress", { step: progress.step, total: total }));
  }

  // --- answer controls -------------------------------------------------------------------

  /* One Tab stop for a long list: arrow keys, Home and End move between its items. */
  function roving(container, selector) {
    var items = Array.prototype.slice.call(container.querySelectorAll(selector));
    items.forEach(function (item, index) { item.tabIndex = index === 0 ? 0 : -1; });
    container.addEventListener("keydown", function (event) {
      var index = items.indexOf(event.target);
      if (index < 0) return;
      var next = { ArrowDown: index + 1, ArrowRight: index + 1, ArrowUp: index - 1, ArrowLeft: index - 1,
                   Home: 0, End: items.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      next = Math.max(0, Math.min(items.length - 1, next));
      items[index].tabIndex = -1;
      items[next].tabIndex = 0;
      items[next].focus();
    });
  }

  function optionButton(option) {
    return el("button", { type: "button", className: "ab-option", text: option.label,
                          onclick: function () { send(option.id, option.label); } });
  }

  function labelGroup(group, question, hint) {
    var text = question && question.querySelector(".ab-msg-text");
    var ids = [text && text.id, hint && hint.id].filter(Boolean);
    if (ids.length) group.setAttribute("aria-labelledby", ids.join(" "));
    else group.setAttribute("aria-label", s("options_label"));
  }

  function showAnswerControls(turn, question) {
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
      var hint = el("p", { id: "ab-hint-" + state.messageCount, className: "ab-hint", text: s("multi_hint") });
      var boxes = options.map(function (option) {
        var box = el("input", { type: "checkbox", value: option.id, "data-label": option.label });
        return el("label", { className: "ab-check" }, [box, el("span", { text: option.label })]);
      });
      var fieldset = el("fieldset", { className: "ab-multi" }, boxes);
      labelGroup(fieldset, question, hint);
      roving(fieldset, "input[type=checkbox]");
      ui.options.appendChild(hint);
      ui.options.appendChild(fieldset);
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
      var many = el("div", { className: "ab-choices ab-choices-many", role: "group" }, options.map(optionButton));
      labelGroup(many, question, null);
      roving(many, "button");
      ui.options.appendChild(many);
      ui.options.appendChild(el("div", { className: "ab-row" }, [skipButton()]));
    } else if (options.length) {
      var few = el("div", { className: "ab-choices", role: "group" }, options.map(optionButton).concat([skipButton()]));
      labelGroup(few, question, null);
      ui.options.appendChild(few);
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
    target.focus();
  }

  // --- the result, as the server grouped it ------------------------------------------------

  function citationBlock(citation) {
    var children = [
      el("summary", { text: s("source_label") + s("label_separator") + [citation.document, citation.article].join(" ") }),
      el("blockquote", { className: "ab-quote", text: citation.excerpt || citation.quote || "" })
    ];
    if (citation.quote && citation.excerpt && citation.quote !== citation.excerpt) {
      children.push(el("details", { className: "ab-whole" }, [
        el("summary", { text: s("whole_clause") }),
        el("blockquote", { className: "ab-quote", text: citation.quote })
      ]));
    }
    return el("details", { className: "ab-citation" }, children);
  }

  function itemCard(item, sectionId) {
    var lines = (item.lines || []).map(function (line) { return el("li", { text: line }); });
    return el("article", { className: "ab-card ab-card-" + sectionId }, [
      el("h4", { className: "ab-card-title", text: item.title }),
      item.amount_text ? el("p", { className: "ab-amount" }, [el("strong", { text: item.amount_text })]) : null,
      lines.length ? el("ul", { className: "ab-lines" }, lines) : null,
      item.citation ? citationBlock(item.citation) : null
    ]);
  }

  // Change notices by Telegram: a single-use deep link that binds this session's answers to a chat.
  function notifyOffer() {
    var box = el("div", { className: "ab-notify" });
    var button = el("button", { type: "button", className: "ab-report-link ab-notify-button", text: s("notify_offer"),
                                onclick: async function () {
      button.disabled = true;
      var result = await api("POST", "/api/sessions/" + encodeURIComponent(state.sessionId) + "/subscription-link");
      if (result.ok && result.data.url) {
        var link = el("a", { className: "ab-report-link ab-notify-link", href: result.data.url, target: "_blank",
                             rel: "noopener", text: s("notify_open") });
        box.replaceChildren(link, el("p", { className: "ab-notify-hint", text: s("notify_hint") }));
        link.focus();
      } else {
        button.disabled = false;
        box.appendChild(el("p", { className: "ab-notify-hint", role: "status",
                                  text: (result.data && result.data.message) || s("notify_failed") }));
      }
    } });
    box.appendChild(button);
    return box;
  }

  function appendResult(view, lang) {
    var reportUrl = apiBase + "/api/sessions/" + encodeURIComponent(state.sessionId) + "/report";
    var parts = [
      el("div", { className: "ab-total", tabindex: "-1" }, [
        el("div", { className: "ab-total-label", text: view.headline }),
        el("div", { className: "ab-total-value", text: view.total_text })
      ]),
      el("a", { className: "ab-report-link", href: reportUrl, target: "_blank", rel: "noopener",
                text: s("report_link") }),
      notifyOffer()
    ];
    (view.sections || []).forEach(function (section) {
      var headingId = "ab-section-" + section.id + "-" + state.messageCount;
      parts.push(el("section", { className: "ab-section ab-section-" + section.id, "aria-labelledby": headingId }, [
        el("h3", { id: headingId, className: "ab-section-title", text: section.title })
      ].concat((section.items || []).map(function (item) { return itemCard(item, section.id); }))));
    });
    if (view.note) parts.push(el("p", { className: "ab-disclaimer", text: view.note }));
    // not live: focus moves to the total instead, so the result is read once, not twice
    var node = el("div", { className: "ab-result", lang: lang, "aria-live": "off" }, parts);
    ui.log.appendChild(node);
    return node;
  }

  // --- ask a person: a question for the help desk, and the staff's answers -----------------

  /* The form replaces the answer controls while it is open; the question on screen stays as it is. */
  function buildAsk() {
    ui.askOpen = el("button", { type: "button", className: "ab-option ab-secondary ab-ask-open",
                                onclick: function () { openAsk(""); } });
    ui.answerArea.appendChild(el("div", { className: "ab-row ab-ask-row" }, [ui.askOpen]));
    ui.askTitle = el("h3", { id: "ab-ask-title", className: "ab-ask-title" });
    ui.askLead = el("p", { className: "ab-hint" });
    ui.askLabel = el("label", { className: "ab-ask-label", "for": "ab-ask-text" });
    ui.askText = el("textarea", { id: "ab-ask-text", className: "ab-input ab-ask-text", rows: "3", maxlength: "1000" });
    ui.askLegend = el("legend", { className: "ab-ask-label" });
    ui.askYesLabel = el("span");
    ui.askNoLabel = el("span");
    ui.askYes = el("input", { type: "radio", name: "ab-ask-consent", value: "yes" });
    ui.askNo = el("input", { type: "radio", name: "ab-ask-consent", value: "no" });
    ui.askSend = el("button", { type: "submit", className: "ab-option ab-primary" });
    ui.askCancel = el("button", { type: "button", className: "ab-option ab-secondary", onclick: closeAsk });
    ui.askStatus = el("div", { className: "ab-ask-status", role: "alert" });
    ui.askForm = el("form", { className: "ab-ask", "aria-labelledby": "ab-ask-title", hidden: true,
                              onsubmit: sendQuestion }, [
      ui.askTitle, ui.askLead, ui.askLabel, ui.askText,
      el("fieldset", { className: "ab-ask-consent" }, [
        ui.askLegend,
        el("label", { className: "ab-check" }, [ui.askYes, ui.askYesLabel]),
        el("label", { className: "ab-check" }, [ui.askNo, ui.askNoLabel])
      ]),
      el("div", { className: "ab-row" }, [ui.askSend, ui.askCancel]),
      ui.askStatus
    ]);
  }

  function applyAskStrings() {
    ui.askOpen.textContent = s("ask_open");
    ui.askOpen.setAttribute("title", s("ask_open_label"));
    ui.askTitle.textContent = s("ask_title");
    ui.askLead.textContent = s("ask_lead");
    ui.askLabel.textContent = s("ask_label");
    ui.askLegend.textContent = s("ask_consent");
    ui.askYesLabel.textContent = s("ask_consent_yes");
    ui.askNoLabel.textContent = s("ask_consent_no");
    ui.askSend.textContent = s("ask_send");
    ui.askCancel.textContent = s("ask_cancel");
  }

  function openAsk(text) {
    if (state.busy || !state.sessionId) return;
    state.askRequestId = null;  // a new question: a new request id when it is sent
    ui.askText.value = typeof text === "string" ? text : "";
    ui.askYes.checked = ui.askNo.checked = false;
    ui.askStatus.textContent = "";
    ui.answerArea.hidden = true;
    ui.askForm.hidden = false;
    ui.askText.focus();
  }

  function closeAsk() {
    ui.askForm.hidden = true;
    ui.answerArea.hidden = false;
    focusAnswer();
  }

  function requestId() {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  async function sendQuestion(event) {
    event.preventDefault();
    if (state.busy) return;
    var text = ui.askText.value.trim();
    var problem = !text ? s("ask_empty") : text.length > 1000 ? s("ask_too_long", { limit: 1000 })
      : !(ui.askYes.checked || ui.askNo.checked) ? s("ask_consent_needed") : "";
    if (problem) {
      ui.askStatus.textContent = problem;
      (problem === s("ask_consent_needed") ? ui.askYes : ui.askText).focus();
      return;
    }
    state.askRequestId = state.askRequestId || requestId();  // kept for a retry: the question is left once
    var result = await request("POST", "/api/sessions/" + encodeURIComponent(state.sessionId) + "/questions",
                               { text: text, consent: ui.askYes.checked, request_id: state.askRequestId }, 1);
    if (!result.ok) {
      ui.askStatus.textContent = (result.data && result.data.message) || s("error_network");
      return;
    }
    state.askRequestId = null;
    appendMessage("user", text, state.locale);
    ui.log.appendChild(el("div", { className: "ab-note ab-ask-sent", lang: state.locale,
                                   text: (result.data.messages || []).join(" ") }));
    ui.log.scrollTop = ui.log.scrollHeight;
    closeAsk();
  }

  /* Answers staff gave since the widget was last open are "new" (the server marks them delivered
   * as it hands them out); earlier ones are shown again, not as new. */
  async function showStaffAnswers() {
    if (!state.sessionId) return;
    var result;
    try { result = await api("GET", "/api/sessions/" + encodeURIComponent(state.sessionId) + "/questions"); }
    catch (e) { return; }
    if (!result.ok) return;
    (result.data.questions || []).forEach(function (question) {
      if (state.shownAnswers[question.id]) return;
      if (!question.answer) {  // still open: said once, so the owner knows it was not lost
        state.shownAnswers[question.id] = "waiting";
        ui.log.appendChild(el("div", { className: "ab-note ab-ask-waiting",
                                       text: s("answer_waiting", { text: question.text }) }));
        return;
      }
      state.shownAnswers[question.id] = true;
      var heading = el("h3", { className: "ab-staff-title", text: s("answer_title") }, question.new ? [
        el("span", { className: "ab-badge ab-new", text: s("answer_new") })
      ] : []);
      var parts = [heading,
        el("p", { className: "ab-staff-question", text: s("answer_question", { text: question.text }) }),
        el("p", { className: "ab-staff-text", text: question.answer.text })];
      if ((question.answer.citations || []).length) {
        parts.push(el("h4", { className: "ab-section-title", text: s("answer_sources") }));
        question.answer.citations.forEach(function (citation) {
          parts.push(el("div", { className: "ab-staff-source" }, [
            el("div", { className: "ab-card-title", text: citation.title }), citationBlock(citation)]));
        });
      }
      ui.log.appendChild(el("section", { className: "ab-staff-answer" + (question.new ? " ab-staff-new" : ""),
                                         "aria-label": s("answer_title") }, parts));
    });
    ui.log.scrollTop = ui.log.scrollHeight;
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

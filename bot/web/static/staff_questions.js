/*
 * The staff page's open questions (staff_questions.html.j2): the questions owners left for the help
 * desk (GET /api/questions, behind the staff token, kept in this script only: never stored, never in a
 * URL), and an
 * answer composer whose citations are picked from the FAQ results beside it ("Cite" on a result;
 * the server takes the clause id and the verbatim quote from the rule data). An answer is sent with
 * a request id made once per answer, so a double click or a retry answers once. Every string comes
 * from #sq-strings; server text is inserted with textContent only.
 */
(function () {
  "use strict";
  var page = window.awardbotStaff.page(document.currentScript, "sq-strings");
  var locale = page.locale, apiBase = page.apiBase, s = page.s, el = page.el, counted = page.counted;
  var byId = function (id) { return document.getElementById(id); };
  var ui = {
    tokenForm: byId("sq-token-form"), token: byId("sq-token"), status: byId("sq-status"), refresh: byId("sq-refresh"),
    list: byId("sq-list"), composer: byId("sq-composer"), composerTitle: byId("sq-composer-title"),
    answer: byId("sq-answer"), citations: byId("sq-citations"), send: byId("sq-send"),
    composerStatus: byId("sq-composer-status"), results: byId("faq-results")
  };
  var state = { token: null, selected: null, citations: [], requestId: null, busy: false };




  function newRequestId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  async function call(method, path, body) {
    var options = { method: method, headers: { "Accept": "application/json", "Accept-Language": locale,
                                               "Authorization": "Bearer " + (state.token || "") } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    var response = await fetch(apiBase + path, options);
    var data = {};
    try { data = await response.json(); } catch (e) { /* no JSON body */ }
    return { status: response.status, ok: response.ok, data: data };
  }

  // --- the list -------------------------------------------------------------------------------

  async function load() {
    if (!state.token) { ui.status.textContent = s("token_needed"); return; }
    ui.status.textContent = s("loading");
    var result;
    try { result = await call("GET", "/api/questions?status=open"); } catch (e) { result = { status: 0 }; }
    if (result.status === 401) {
      state.token = null;
      ui.status.textContent = s("unauthorized");
      ui.refresh.hidden = true;
      ui.token.focus();
      return;
    }
    if (!result.ok) { ui.status.textContent = s("error"); return; }
    ui.refresh.hidden = false;
    render(result.data.questions || []);
  }

  function facts(pairs) {
    var dl = el("dl", "sq-facts");
    pairs.forEach(function (pair) { dl.appendChild(el("dt", null, pair[0])); dl.appendChild(el("dd", null, pair[1])); });
    return dl;
  }

  function attached(question) {
    var box = el("div", "sq-attached");
    if (!question.consent) { box.appendChild(el("p", null, s("consent_no"))); return box; }
    box.appendChild(el("p", null, s("consent_yes")));
    if (question.answers_shown && question.answers_shown.length) {
      box.appendChild(el("h4", "sq-subtitle", s("answers_title")));
      box.appendChild(facts(question.answers_shown));
    }
    box.appendChild(el("h4", "sq-subtitle", s("result_title")));
    if (question.result_shown) {
      var lines = el("ul", "sq-result");
      question.result_shown.forEach(function (line) { lines.appendChild(el("li", null, line)); });
      box.appendChild(lines);
    } else {
      box.appendChild(el("p", null, s("result_unfinished")));
    }
    return box;
  }

  function render(questions) {
    ui.list.textContent = "";
    ui.status.textContent = questions.length ? s(counted("count", questions.length), { count: questions.length })
                                             : s("none_open");
    questions.forEach(function (question) {
      var item = el("li", "sq-question" + (state.selected && state.selected.id === question.id ? " sq-selected" : ""));
      item.setAttribute("data-question-id", question.id);
      var when = new Date(question.created_at).toLocaleString(locale);
      item.appendChild(el("p", "sq-meta", s("asked", { when: when, channel: s("channel_" + question.channel) })));
      item.appendChild(el("h3", "sq-text", question.text));
      item.lang = question.locale;
      item.appendChild(attached(question));
      var reply = el("button", "sq-button", s("reply"));
      reply.type = "button";
      reply.setAttribute("aria-label", s("reply_label", { text: question.text }));
      reply.addEventListener("click", function () { select(question); });
      item.appendChild(reply);
      ui.list.appendChild(item);
    });
    if (state.selected && !questions.some(function (q) { return q.id === state.selected.id; })) closeComposer();
  }

  // --- the composer ---------------------------------------------------------------------------

  function select(question) {
    state.selected = question;
    state.citations = [];
    state.requestId = newRequestId();
    Array.prototype.forEach.call(ui.list.children, function (item) {
      item.classList.toggle("sq-selected", item.getAttribute("data-question-id") === question.id);
    });
    ui.composer.hidden = false;
    ui.composerTitle.textContent = s("composer_title", { text: question.text });
    ui.answer.value = "";
    ui.composerStatus.textContent = "";
    renderCitations();
    updateCiteButtons();
    ui.answer.focus();
  }

  function closeComposer() {
    state.selected = null;
    state.citations = [];
    ui.composer.hidden = true;
    updateCiteButtons();
  }

  function renderCitations() {
    ui.citations.textContent = "";
    if (!state.citations.length) { ui.citations.appendChild(el("li", null, s("citations_none"))); return; }
    state.citations.forEach(function (citation, index) {
      var item = el("li", null, citation.title + " ");
      var remove = el("button", "sq-cite", s("cite_remove"));
      remove.type = "button";
      remove.setAttribute("aria-label", s("cite_remove_label", { title: citation.title }));
      remove.addEventListener("click", function () {
        state.citations.splice(index, 1);
        renderCitations();
        ui.answer.focus();
      });
      item.appendChild(remove);
      ui.citations.appendChild(item);
    });
  }

  function cite(ruleId, title) {
    if (!state.selected) return;
    if (!state.citations.some(function (c) { return c.rule_id === ruleId; })) {
      state.citations.push({ rule_id: ruleId, title: title });
    }
    renderCitations();
    ui.composerStatus.textContent = s("cited", { title: title });
  }

  /* A "Cite" button on every FAQ result while an answer is being written (staff.js renders the results). */
  function updateCiteButtons() {
    Array.prototype.forEach.call(ui.results.querySelectorAll(".faq-result"), function (item) {
      var button = item.querySelector(".sq-cite");
      var ruleId = item.getAttribute("data-rule-id");
      if (!button && ruleId) {
        var title = item.getAttribute("data-title") || ruleId;
        button = el("button", "sq-cite", s("cite_button"));
        button.type = "button";
        button.setAttribute("aria-label", s("cite_button_label", { title: title }));
        button.addEventListener("click", function () { cite(ruleId, title); });
        item.appendChild(button);
      }
      if (button) button.hidden = !state.selected;
    });
  }

  async function send() {
    if (state.busy || !state.selected) return;
    var text = ui.answer.value.trim();
    if (!text) { ui.composerStatus.textContent = s("answer_empty"); ui.answer.focus(); return; }
    state.busy = true;
    ui.send.setAttribute("aria-disabled", "true");
    ui.composerStatus.textContent = s("sending");
    var body = { text: text, citations: state.citations.map(function (c) { return c.rule_id; }),
                 request_id: state.requestId };
    var path = "/api/questions/" + encodeURIComponent(state.selected.id) + "/answer";
    var result = { status: 0, ok: false, data: {} };
    try {
      for (var attempt = 0; attempt < 2; attempt++) {  /* the same request id: a retry answers once */
        try { result = await call("POST", path, body); } catch (e) { result = { status: 0, ok: false, data: {} }; }
        if (result.status !== 0 && result.status < 500) break;
      }
    } finally {
      state.busy = false;
      ui.send.removeAttribute("aria-disabled");
    }
    if (result.ok) {
      closeComposer();
      await load();
      ui.status.textContent = s("sent") + " " + ui.status.textContent;
      ui.refresh.focus();  // the composer is gone: focus stays in this section
      return;
    }
    ui.composerStatus.textContent = (result.data && result.data.message) || s("error");
    if (result.status === 409 || result.status === 404) await load();
  }

  /* One token for the page: typed here it also fills the overview's form (if empty), and the overview's
   * shows the questions too. */
  var overviewForm = byId("overview-form");
  var overviewToken = byId("overview-token");
  ui.tokenForm.addEventListener("submit", function (event) {
    event.preventDefault();
    state.token = ui.token.value.trim() || null;
    if (overviewToken && !overviewToken.value) overviewToken.value = ui.token.value;
    load();
  });
  if (overviewForm && overviewToken) {
    overviewForm.addEventListener("submit", function () {
      if (state.token || !overviewToken.value.trim()) return;
      state.token = overviewToken.value.trim();
      ui.token.value = overviewToken.value;
      load();
    });
  }
  ui.refresh.addEventListener("click", load);
  ui.send.addEventListener("click", send);
  new MutationObserver(updateCiteButtons).observe(ui.results, { childList: true });
  ui.status.textContent = s("token_needed");
})();

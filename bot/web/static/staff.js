/*
 * The staff FAQ page: results as you type. Debounced fetch of GET /api/faq; every string comes
 * from the page (the JSON block #faq-strings, rendered from locales/<lang>/web.yaml); result text
 * is inserted with textContent only.
 */
(function () {
  "use strict";
  var DEBOUNCE_MS = 250;
  var LIMIT = 10;
  var page = window.awardbotStaff.page(document.currentScript, "faq-strings");
  var locale = page.locale, apiBase = page.apiBase, s = page.s, el = page.el, counted = page.counted;
  var input = document.getElementById("faq-query");
  var status = document.getElementById("faq-status");
  var list = document.getElementById("faq-results");
  var suggestionBox = document.getElementById("faq-suggestions");
  var suggestionList = suggestionBox.querySelector("ul");
  var timer = null;
  var latest = 0;




  function trim(value, places) {
    return Number(value).toLocaleString("en-US", { maximumFractionDigits: places });
  }

  /* The same notation as locales/formatting.py format_cny: 1,602 万元 / 12 亿元 / CNY 16,020,000. */
  function formatCny(amount) {
    if (amount === null || amount === undefined) return s("amount_open");
    if (locale === "en") return "CNY " + trim(amount, 2);
    if (Math.abs(amount) >= 1e8) return trim(amount / 1e8, 4) + " 亿元";
    if (Math.abs(amount) >= 1e4) return trim(amount / 1e4, 4) + " 万元";
    return trim(amount, 2) + " 元";
  }

  function windowText(effective) {
    if (!effective) return "";
    if (!effective.to) return (effective.from || "") + " — " + s("window_open_end");
    return s("window_range", { start: effective.from || "…", end: effective.to });
  }

  function fact(dl, label, value, extra) {
    if (!value && !extra) return;
    dl.appendChild(el("dt", null, label));
    var dd = el("dd", null, value || "");
    if (extra) dd.appendChild(extra);
    dl.appendChild(dd);
  }

  function render(results) {
    list.textContent = "";
    results.forEach(function (result) {
      var item = el("li", "faq-result");
      item.setAttribute("data-rule-id", result.rule_id || "");  /* staff_questions.js cites it */
      item.setAttribute("data-title", result.title || result.clause_id || "");
      var heading = el("h2", null, result.title || result.clause_id);
      heading.appendChild(document.createTextNode(" "));
      heading.appendChild(el("span", "faq-id", result.clause_id || ""));
      item.appendChild(heading);
      if (result.summary) item.appendChild(el("p", null, result.summary));
      if (result.answer) {
        item.appendChild(el("p", "faq-answer", s("answer") + ": " + result.answer));
      }
      var dl = el("dl", "faq-facts");
      if (result.kind !== "qa") fact(dl, s("amount"), formatCny(result.max_award_cny));
      fact(dl, s("beneficiary"), result.beneficiary && result.beneficiary.label);
      if (result.level) fact(dl, s("level"), s(result.level === "district" ? "level_district" : "level_municipal"));
      if (result.effective) {
        var badge = null;
        if (typeof result.in_force === "boolean") {
          badge = el("span", "faq-badge" + (result.in_force ? "" : " off"), s(result.in_force ? "in_force" : "not_in_force"));
        }
        fact(dl, s("window"), windowText(result.effective), badge);
      }
      fact(dl, s("unit"), result.responsible_unit);
      if (dl.childNodes.length) item.appendChild(dl);
      var cite = result.citation;
      if (cite && cite.quote) {
        item.appendChild(el("div", "faq-label", s("clause") + " · " + [cite.document, cite.article].join(" ")));
        item.appendChild(el("blockquote", "faq-quote", cite.quote));
      }
      list.appendChild(item);
    });
  }

  /* Topics to search instead when nothing answers the query: offered as searches, never as results. */
  function renderSuggestions(suggestions) {
    suggestionList.textContent = "";
    suggestionBox.hidden = !suggestions.length;
    suggestions.forEach(function (suggestion) {
      var button = el("button", "faq-suggestion", suggestion.title);
      button.type = "button";
      button.setAttribute("aria-label", s("suggestion_search", { topic: suggestion.title }));
      button.addEventListener("click", function () {
        input.value = suggestion.query;
        input.focus();
        search(suggestion.query);
      });
      var item = el("li");
      item.appendChild(button);
      suggestionList.appendChild(item);
    });
  }

  async function search(query) {
    var ticket = ++latest;
    if (!query) { list.textContent = ""; status.textContent = ""; renderSuggestions([]); return; }
    status.textContent = s("searching");
    try {
      var url = apiBase + "/api/faq?q=" + encodeURIComponent(query) + "&limit=" + LIMIT + "&locale=" + locale;
      var response = await fetch(url, { headers: { "Accept": "application/json", "Accept-Language": locale } });
      if (!response.ok) throw new Error(String(response.status));
      var data = await response.json();
      if (ticket !== latest) return; /* a newer query is on its way */
      render(data.results || []);
      renderSuggestions(data.results && data.results.length ? [] : (data.suggestions || []));
      status.textContent = data.results && data.results.length
        ? s(counted("result_count", data.results.length), { count: data.results.length }) : s("no_results");
    } catch (e) {
      if (ticket === latest) status.textContent = s("error");
    }
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    var query = input.value.trim();
    timer = setTimeout(function () { search(query); }, DEBOUNCE_MS);
  });
  if (input.value.trim()) search(input.value.trim());
})();

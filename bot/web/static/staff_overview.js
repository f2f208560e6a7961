/*
 * The staff overview on /staff: with the staff token typed into the form, fetch GET /api/records/overview
 * and show the totals, an SVG bar chart of the assessments per week (role="img" with a title and a
 * description) and the same figures as tables. Every string comes from the page (#overview-strings,
 * rendered from locales/<lang>/overview.yaml) or from the server (titles, amounts, week labels, notes,
 * already in the page's language); text is inserted with textContent only, nothing inline (the CSP).
 * The token is kept in this script only, never stored and never put in a URL.
 */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var WIDTH = 720, HEIGHT = 240, TOP = 34, BOTTOM = 28, SIDE = 8;
  var page = window.awardbotStaff.page(document.currentScript, "overview-strings");
  var locale = page.locale, apiBase = page.apiBase, s = page.s, el = page.el;
  var form = document.getElementById("overview-form");
  var tokenInput = document.getElementById("overview-token");
  var weeksSelect = document.getElementById("overview-weeks");
  var status = document.getElementById("overview-status");
  var body = document.getElementById("overview-body");
  var latest = 0;



  function svg(tag, attributes, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, String(attributes[name])); });
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function count(value) {
    return Number(value).toLocaleString(locale === "en" ? "en-US" : "zh-CN");
  }

  function renderTotals(data) {
    var totals = document.getElementById("overview-totals");
    totals.textContent = "";
    [["assessments", count(data.assessments)], ["conversations", count(data.conversations)],
     ["total_awards", data.total_max_award_text], ["subscribers", count(data.subscribers)]].forEach(function (pair) {
      var item = el("div", "overview-total");
      item.appendChild(el("dt", null, s(pair[0])));
      item.appendChild(el("dd", null, pair[1]));
      totals.appendChild(item);
    });
  }

  /* Bars of the assessments per week; the value above each bar and the week below (every n-th week
     when there are many: the table below has them all). */
  function renderChart(data) {
    var weeks = data.weeks;
    var holder = document.getElementById("overview-chart");
    holder.textContent = "";
    var max = Math.max.apply(null, weeks.map(function (w) { return w.assessments; }).concat([0]));
    var chart = svg("svg", { viewBox: "0 0 " + WIDTH + " " + HEIGHT, role: "img", focusable: "false",
                             "aria-labelledby": "overview-chart-title overview-chart-desc" });
    chart.appendChild(svg("title", { id: "overview-chart-title" }, s("chart_title")));
    chart.appendChild(svg("desc", { id: "overview-chart-desc" }, s("chart_description", {
      first: data.period_start, last: data.period_end, max: count(max)
    })));
    chart.appendChild(svg("text", { x: SIDE, y: 16, "class": "overview-chart-title" }, s("chart_title")));
    var slot = (WIDTH - 2 * SIDE) / Math.max(weeks.length, 1);
    var plot = HEIGHT - TOP - BOTTOM;
    var every = Math.ceil(weeks.length / 13);
    weeks.forEach(function (week, i) {
      var height = max ? Math.max(week.assessments ? 2 : 0, plot * week.assessments / max) : 0;
      var x = SIDE + i * slot;
      var bar = svg("rect", { x: (x + slot * 0.15).toFixed(1), y: (TOP + plot - height).toFixed(1),
                              width: (slot * 0.7).toFixed(1), height: height.toFixed(1), "class": "overview-bar",
                              "data-week": week.week, "data-value": week.assessments });
      chart.appendChild(bar);
      if (weeks.length <= 26) {
        chart.appendChild(svg("text", { x: (x + slot / 2).toFixed(1), y: (TOP + plot - height - 4).toFixed(1),
                                        "class": "overview-value" }, count(week.assessments)));
      }
      if (i % every === (weeks.length - 1) % every) {
        chart.appendChild(svg("text", { x: (x + slot / 2).toFixed(1), y: HEIGHT - 8, "class": "overview-tick" },
                              week.short_label));
      }
    });
    chart.appendChild(svg("line", { x1: SIDE, x2: WIDTH - SIDE, y1: TOP + plot, y2: TOP + plot, "class": "overview-axis" }));
    holder.appendChild(chart);
  }

  function cell(tag, text, className) {
    var node = el(tag, className || null, text);
    if (tag === "th") node.setAttribute("scope", "row");
    return node;
  }

  function renderWeeks(weeks) {
    var rows = document.querySelector("#overview-weeks-table tbody");
    rows.textContent = "";
    weeks.slice().reverse().forEach(function (week) {
      var row = el("tr");
      var label = cell("th", week.label);
      if (!week.complete) label.appendChild(el("span", "overview-incomplete", " " + s("incomplete")));
      row.appendChild(label);
      row.appendChild(cell("td", count(week.assessments), "num"));
      row.appendChild(cell("td", count(week.conversations), "num"));
      row.appendChild(cell("td", week.total_max_award_text, "num"));
      rows.appendChild(row);
    });
  }

  function renderClauses(clauses) {
    var rows = document.querySelector("#overview-clauses-table tbody");
    rows.textContent = "";
    document.getElementById("overview-no-clauses").hidden = clauses.length > 0;
    document.getElementById("overview-clauses-table").hidden = clauses.length === 0;
    clauses.forEach(function (clause) {
      var row = el("tr");
      row.appendChild(cell("th", clause.clause_id, "id"));
      row.appendChild(cell("td", clause.title));
      row.appendChild(cell("td", count(clause.eligible), "num"));
      row.appendChild(cell("td", count(clause.possible), "num"));
      rows.appendChild(row);
    });
  }

  function render(data) {
    renderTotals(data);
    renderChart(data);
    renderWeeks(data.weeks);
    renderClauses(data.clauses);
    var notes = document.getElementById("overview-notes");
    notes.textContent = "";
    (data.assessments ? [] : [s("empty")]).concat(data.notes).forEach(function (note) { notes.appendChild(el("li", null, note)); });
    body.hidden = false;
    status.textContent = s("loaded", { start: data.period_start, end: data.period_end });
  }

  async function load() {
    var ticket = ++latest;
    status.textContent = s("loading");
    try {
      var url = apiBase + "/api/records/overview?weeks=" + encodeURIComponent(weeksSelect.value) + "&locale=" + locale;
      var response = await fetch(url, { headers: { "Accept": "application/json", "Accept-Language": locale,
                                                   "Authorization": "Bearer " + tokenInput.value.trim() } });
      var data = await response.json().catch(function () { return {}; });
      if (ticket !== latest) return;
      if (response.status === 401) { body.hidden = true; status.textContent = s("unauthorized"); tokenInput.focus(); return; }
      if (!response.ok) { status.textContent = data.message || s("error"); return; }
      render(data);
    } catch (e) {
      if (ticket === latest) status.textContent = s("error");
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    load();
  });
})();

/*
 * What the staff page's three scripts share (staff.js: FAQ search, staff_questions.js: open
 * questions, staff_overview.js: the overview): how each starts (language, API base, strings), the
 * page's strings with {name} filled in, awardbot's one plural rule, and elements made with text only
 * (never HTML). Loaded first (deferred, in order).
 */
window.awardbotStaff = (function () {
  "use strict";

  /* s(key, params) over one JSON block of strings rendered from locales/<lang>/ */
  function texts(strings) {
    return function (key, params) {
      var text = strings[key] || "";
      Object.keys(params || {}).forEach(function (name) { text = text.split("{" + name + "}").join(String(params[name])); });
      return text;
    };
  }

  /* counted(key, count): the one plural rule of awardbot (locales.plural_category), English "one" for exactly 1 */
  function plural(locale) {
    return function (key, count) { return key + (locale === "en" && count === 1 ? ".one" : ".other"); };
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  /* What each script starts from: its page's language, the API's base (where the script was served
     from), its strings (the JSON block with id stringsId) and the helpers above bound to them. */
  function page(script, stringsId) {
    var locale = script.getAttribute("data-locale") === "en" ? "en" : "zh-CN";
    return {
      locale: locale,
      apiBase: new URL(script.src, location.href).href.replace(/\/static\/[^\/?#]+\.js([?#].*)?$/, ""),
      s: texts(JSON.parse(document.getElementById(stringsId).textContent)),
      counted: plural(locale),
      el: el
    };
  }

  return { texts: texts, plural: plural, el: el, page: page };
})();

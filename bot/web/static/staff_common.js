/*
 * What the staff page's three scripts share (staff.js: FAQ search, staff_questions.js: open
 * questions, staff_overview.js: the overview): the page's strings with {name} filled in, awardbot's
 * one plural rule, and elements made with text only (never HTML). Loaded first (deferred, in order).
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

  return { texts: texts, plural: plural, el: el };
})();

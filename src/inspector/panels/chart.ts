/**
 * The overview's chart as plain SVG (no library): messages/s as a solid line, errors/s dashed, the
 * scale's top value and the time axis written as text, so nothing is told by colour alone.
 */
export const CHART_JS = String.raw`
  var NS = null, W = 640, H = 150, L = 48, B = 20;
  function svg(tag, attrs, text) {
    var e = document.createElementNS(NS, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function chart(el, series) {
    var top = 1;
    NS = el.namespaceURI; // the <svg> is in the page's markup: its children take its namespace
    series.forEach(function (p) { top = Math.max(top, p.messagesPerSecond, p.errorsPerSecond); });
    var x = function (i) { return L + (i * (W - L - 4)) / Math.max(1, series.length - 1); };
    var y = function (v) { return 6 + (H - B - 6) * (1 - v / top); };
    var line = function (key, cls) {
      return svg("polyline", { class: cls, fill: "none", points: series.map(function (p, i) { return x(i).toFixed(1) + "," + y(p[key]).toFixed(1); }).join(" ") });
    };
    el.replaceChildren(
      svg("line", { class: "axis", x1: L, y1: H - B, x2: W - 4, y2: H - B }),
      svg("line", { class: "axis", x1: L, y1: 6, x2: L, y2: H - B }),
      svg("text", { x: L - 4, y: 14, "text-anchor": "end" }, top.toFixed(top < 10 ? 1 : 0)),
      svg("text", { x: L - 4, y: H - B, "text-anchor": "end" }, "0"),
      svg("text", { x: L, y: H - 4 }, "15 min ago"),
      svg("text", { x: W - 4, y: H - 4, "text-anchor": "end" }, "now"),
      line("messagesPerSecond", "chart-messages"),
      line("errorsPerSecond", "chart-errors"),
    );
  }
`;

// The console's own script: draws the dashboard's time charts with uPlot (served from npm's copy by
// the gateway) from the JSON the page carries, and redraws them when the window changes size.
(function () {
  'use strict';
  var charts = [];

  function draw(el) {
    var source = document.getElementById(el.getAttribute('data-chart'));
    if (!source || typeof uPlot === 'undefined') return;
    var d = JSON.parse(source.textContent);
    el.innerHTML = '';
    // Either the dashboard's in/out pair, or any list of series: [{ label, stroke, values }].
    var lines = d.series || [
      { label: d.labels.in, stroke: '#1f6feb', values: d.in },
      { label: d.labels.out, stroke: '#d4761c', values: d.out },
    ];
    var opts = {
      width: Math.max(260, el.parentElement.clientWidth - 32),
      height: 220,
      series: [{}].concat(
        lines.map(function (l) {
          return { label: l.label, stroke: l.stroke, width: 2 };
        }),
      ),
      axes: [{}, { size: 40 }],
      scales: { x: { time: true } },
      // The pages show UTC everywhere; so does the chart's time axis.
      tzDate: function (ts) {
        return uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC');
      },
    };
    charts.push({
      el: el,
      plot: new uPlot(
        opts,
        [d.x].concat(
          lines.map(function (l) {
            return l.values;
          }),
        ),
        el,
      ),
    });
  }

  // A conversation opens at its newest message, as a phone's does.
  function scrollThreads(root) {
    var threads = root.querySelectorAll('.thread');
    for (var i = 0; i < threads.length; i++) threads[i].scrollTop = threads[i].scrollHeight;
  }

  function init(root) {
    var els = root.querySelectorAll('[data-chart]');
    for (var i = 0; i < els.length; i++) draw(els[i]);
    scrollThreads(root);
  }

  var resizing;
  window.addEventListener('resize', function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () {
      scrollThreads(document);
      charts.forEach(function (c) {
        c.plot.setSize({ width: Math.max(260, c.el.parentElement.clientWidth - 32), height: 220 });
      });
    }, 150);
  });

  document.addEventListener('DOMContentLoaded', function () {
    init(document);
  });
  document.addEventListener('htmx:afterSwap', function () {
    scrollThreads(document);
  });
})();

/// The live dashboard served at `/`: one self-contained page (no CDN, no
/// external file), so it works offline and ships inside the binary. It polls
/// `/v1/stats` every second for its charts, `/v1/items/popular` for trending
/// items, and follows one user's list over the Server-Sent Events stream. A
/// token given as `#token=…` in the URL is sent with every request.
///
/// Each chart carries `data-points` and the body `data-errors`, which
/// `scripts/dashboard-check.sh` reads in headless Chromium.
enum DashboardPage {
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>StreamRec</title>
        <style>
          body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d232a; }
          header { background: #1d232a; color: #fff; padding: 10px 20px; display: flex; gap: 24px; align-items: baseline; }
          header h1 { font-size: 18px; margin: 0; }
          header span { color: #aab4bf; }
          main { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 16px; padding: 16px; }
          section { background: #fff; border-radius: 6px; padding: 12px 16px; box-shadow: 0 1px 2px #0002; }
          h2 { font-size: 14px; margin: 0 0 8px; color: #4a5561; font-weight: 600; }
          .value { font-size: 22px; font-weight: 600; }
          .chart { width: 100%; height: 120px; }
          .chart path { fill: none; stroke-width: 2; }
          .chart text { font-size: 10px; fill: #7a8591; }
          ol { margin: 0; padding-left: 24px; }
          li.new { color: #0a7d38; font-weight: 600; }
          li.new::after { content: " new"; font-size: 11px; color: #0a7d38; }
          input { font: inherit; padding: 4px 6px; width: 180px; }
          #errors { color: #b00020; white-space: pre-wrap; }
          #errors.muted { color: #7a8591; }
          .muted { color: #7a8591; }
        </style>
        </head>
        <body>
        <header><h1>StreamRec</h1><span id="role">connecting…</span><span id="totals"></span></header>
        <main>
          <section><h2>Throughput (events/s)</h2><div class="value" id="throughput-now">–</div>
            <svg class="chart" id="chart-throughput" data-points="0"></svg></section>
          <section><h2>Consumer lag (records)</h2><div class="value" id="lag-now">–</div>
            <svg class="chart" id="chart-lag" data-points="0"></svg></section>
          <section><h2>Event → update latency (ms, p50 and p99)</h2><div class="value" id="latency-now">–</div>
            <svg class="chart" id="chart-latency" data-points="0"></svg></section>
          <section><h2>Live hit rate and prequential Recall@10</h2><div class="value" id="quality-now">–</div>
            <svg class="chart" id="chart-quality" data-points="0"></svg></section>
          <section><h2>Trending items</h2><ol id="trending"></ol><div class="muted" id="trending-note"></div></section>
          <section><h2>A user's recommendations, live</h2>
            <input id="user" placeholder="user id" value=""> <span class="muted" id="user-state"></span>
            <ol id="user-list"></ol></section>
          <section><h2>Errors</h2><div id="errors" class="muted">none</div></section>
        </main>
        <script>
        "use strict";
        const token = new URLSearchParams(location.hash.slice(1)).get("token");
        const headers = token ? { Authorization: "Bearer " + token } : {};
        const errors = [];
        function report(message) {
          errors.push(message);
          const box = document.getElementById("errors");
          box.className = "";
          box.textContent = errors.slice(-5).join("\n");
          document.body.dataset.errors = String(errors.length);
        }
        window.addEventListener("error", e => report("script: " + e.message));
        window.addEventListener("unhandledrejection", e => report("promise: " + e.reason));

        async function getJSON(path) {
          const response = await fetch(path, { headers });
          if (!response.ok) throw new Error(path + ": HTTP " + response.status);
          return response.json();
        }

        const history = [];          // {t, consumed, lag, p50, p99, hit, recall}
        const keep = 120;            // two minutes at one sample a second

        function draw(id, series, colors, fixedMax) {
          const svg = document.getElementById(id);
          const width = svg.clientWidth || 400, height = svg.clientHeight || 120;
          const points = series.map(s => s.filter(p => p[1] !== null && p[1] !== undefined && isFinite(p[1])));
          const all = points.flat();
          svg.dataset.points = String(all.length);
          if (all.length === 0) { svg.innerHTML = '<text x="8" y="20">waiting for data…</text>'; return; }
          const t0 = Math.min(...all.map(p => p[0])), t1 = Math.max(...all.map(p => p[0]), t0 + 1);
          const max = fixedMax || Math.max(...all.map(p => p[1]), 1e-9) * 1.1;
          const x = t => 30 + (t - t0) / (t1 - t0) * (width - 40);
          const y = v => height - 16 - v / max * (height - 26);
          let html = '<text x="2" y="12">' + format(max) + '</text><text x="2" y="' + (height - 16) + '">0</text>';
          points.forEach((line, k) => {
            if (line.length === 0) return;
            const d = line.map((p, i) => (i ? "L" : "M") + x(p[0]).toFixed(1) + " " + y(p[1]).toFixed(1)).join(" ");
            html += '<path d="' + d + '" stroke="' + colors[k] + '"/>';
          });
          svg.innerHTML = html;
        }

        function format(v) {
          if (v === null || v === undefined) return "–";
          if (v >= 1000) return Math.round(v).toLocaleString("en");
          return v >= 10 ? v.toFixed(0) : v.toFixed(2);
        }

        async function poll() {
          try {
            const stats = await getJSON("/v1/stats");
            // The server's clock, not the page's: rates stay right however late a poll is.
            const now = (stats.time_ms ?? Date.now()) / 1000;
            document.getElementById("role").textContent = stats.role === "serve" ? "read service" : "engine";
            const previous = history[history.length - 1];
            const consumed = stats.events_consumed ?? stats.users_served ?? 0;
            const rate = previous ? Math.max(0, (consumed - previous.consumed) / (now - previous.t)) : null;
            history.push({ t: now, consumed, rate, lag: stats.consumer_lag ?? stats.topic_lag ?? 0,
              p50: stats.event_to_publish_p50_ms, p99: stats.event_to_publish_p99_ms,
              hit: stats.live_hit_rate, recall: stats.live_recall_at_10 });
            if (history.length > keep) history.shift();
            document.getElementById("totals").textContent =
              (stats.events_applied ?? 0).toLocaleString("en") + " events applied · " +
              (stats.updates_published ?? 0).toLocaleString("en") + " updates · " +
              (stats.dead_letters ?? 0) + " dead letters · " +
              (stats.users_in_memory ?? stats.users_served ?? 0) + " users";
            const last = history[history.length - 1];
            document.getElementById("throughput-now").textContent = format(last.rate);
            document.getElementById("lag-now").textContent = format(last.lag);
            document.getElementById("latency-now").textContent = format(last.p50) + " / " + format(last.p99);
            document.getElementById("quality-now").textContent =
              (last.hit == null ? "–" : (100 * last.hit).toFixed(1) + "%") + " / " +
              (last.recall == null ? "–" : (100 * last.recall).toFixed(1) + "%");
            draw("chart-throughput", [history.map(h => [h.t, h.rate])], ["#2266cc"]);
            draw("chart-lag", [history.map(h => [h.t, h.lag])], ["#cc6622"]);
            draw("chart-latency", [history.map(h => [h.t, h.p50]), history.map(h => [h.t, h.p99])], ["#2266cc", "#cc2255"]);
            draw("chart-quality", [history.map(h => [h.t, h.hit]), history.map(h => [h.t, h.recall])],
              ["#0a7d38", "#7a3fc0"]);
            if (stats.role === "engine") await trending();
          } catch (e) {
            report(String(e));
          }
        }

        async function trending() {
          let body = await getJSON("/v1/items/popular?n=10&trending=true");
          let note = "trending: gaining events faster than their average";
          if (body.items.length === 0) {
            body = await getJSON("/v1/items/popular?n=10");
            note = "nothing trending yet: most popular instead";
          }
          document.getElementById("trending").innerHTML =
            body.items.map(i =>
              "<li>" + escape(i.item_id) + ' <span class="muted">' + i.score.toFixed(2) + "</span></li>").join("");
          document.getElementById("trending-note").textContent = note;
        }

        function escape(text) {
          const entities = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
          return String(text).replace(/[&<>"']/g, c => entities[c]);
        }

        let stream = null;
        async function follow(user) {
          if (stream) stream.abort();
          const list = document.getElementById("user-list"), state = document.getElementById("user-state");
          list.innerHTML = "";
          if (!user) { state.textContent = ""; return; }
          stream = new AbortController();
          state.textContent = "connecting…";
          let previous = null;
          try {
            const response = await fetch("/v1/users/" + encodeURIComponent(user) + "/recommendations/stream",
              { headers, signal: stream.signal });
            if (!response.ok) { state.textContent = "HTTP " + response.status; return; }
            const reader = response.body.getReader(), decoder = new TextDecoder();
            let buffer = "";
            for (;;) {
              const { value, done } = await reader.read();
              if (done) break;
              buffer += decoder.decode(value, { stream: true });
              let end;
              while ((end = buffer.indexOf("\n\n")) >= 0) {
                const message = buffer.slice(0, end);
                buffer = buffer.slice(end + 2);
                const data = message.split("\n").filter(l => l.startsWith("data: ")).map(l => l.slice(6)).join("");
                if (!data) continue;
                const body = JSON.parse(data);
                const before = new Set(previous ? previous.map(i => i.item_id) : []);
                list.innerHTML = body.recommendations.map(i =>
                  "<li" + (previous && !before.has(i.item_id) ? ' class="new"' : "") + ">" + escape(i.item_id) +
                  ' <span class="muted">' + i.score.toFixed(3) + "</span></li>").join("");
                previous = body.recommendations;
                state.textContent =
                  (body.cold ? "cold user: popular items" : "live") + " · " + new Date().toLocaleTimeString();
              }
            }
          } catch (e) {
            if (e.name !== "AbortError") report("stream: " + e);
          }
        }

        const userBox = document.getElementById("user");
        userBox.value = new URLSearchParams(location.search).get("user") || "";
        userBox.addEventListener("change", () => follow(userBox.value.trim()));
        follow(userBox.value.trim());
        poll();
        setInterval(poll, 1000);
        </script>
        </body>
        </html>
        """#
}

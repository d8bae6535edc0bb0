// The rollout dashboard: the episode x language matrix, refreshed every two seconds
// while the rollout runs.
"use strict";
(function () {
  const table = document.getElementById("matrix");
  const totals = document.getElementById("rollout-totals");
  const state = document.getElementById("rollout-state");

  function render(view) {
    const rows = new Map();
    for (const cell of view.cells) {
      if (!rows.has(cell.episode_id)) rows.set(cell.episode_id, {});
      rows.get(cell.episode_id)[cell.language] = cell;
    }
    const body = table.tBodies[0];
    body.replaceChildren(...Array.from(rows, ([episode, cells]) => {
      const tr = document.createElement("tr");
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = episode.slice(0, 8);
      tr.append(th);
      for (const language of view.languages) {
        const cell = cells[language];
        const td = document.createElement("td");
        if (cell) {
          td.className = `state ${cell.state}`;
          td.textContent = ["running", "queued"].includes(cell.state)
            ? `${cell.state} ${Math.round(cell.progress * 100)}%` : cell.state;
          if (cell.error) td.title = cell.error.message;
        }
        tr.append(td);
      }
      return tr;
    }));
    state.textContent = view.state;
    const counts = Object.entries(view.totals).filter(([, n]) => n).map(([s, n]) => `${n} ${s}`);
    totals.textContent = counts.join(", ") + (view.eta ? `; about ${Math.round(view.eta)} s left` : "");
  }

  render(JSON.parse(document.getElementById("rollout-data").textContent));
  const timer = setInterval(async () => {
    const response = await fetch(table.dataset.url, { credentials: "same-origin" });
    if (!response.ok) return;
    const view = await response.json();
    render(view);
    if (view.state !== "running") clearInterval(timer);
  }, 2000);
})();

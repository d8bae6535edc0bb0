// The review editor: live meters, keyboard editing, saving with conflict handling,
// and the player showing the current cue. Plain JavaScript, no build step.
"use strict";
(function () {
  const table = document.getElementById("cues");
  const body = table.tBodies[0];
  const editable = table.dataset.editable === "true";
  const limits = {
    chars: Number(table.dataset.maxChars),
    lines: Number(table.dataset.maxLines),
    cps: Number(table.dataset.maxCps),
  };
  // Frame arithmetic in frames, not ms: a frame at 23.976 fps is 41.708 ms, not 42.
  const frameMs = Number(table.dataset.frameMs);
  const toFrame = (ms) => Math.round(ms / frameMs);
  const onFrame = (frame) => Math.round(frame * frameMs);
  const media = document.getElementById("media");
  const nowShowing = document.getElementById("now-showing");
  const status = document.getElementById("status");
  let baseRevision = Number(table.dataset.revision);

  const rows = () => Array.from(body.querySelectorAll("tr.cue"));
  const field = (row, name) => row.querySelector("." + name);

  function meter(row) {
    const text = field(row, "text").value;
    const lines = text.split("\n").map((l) => l.trim()).filter((l) => l);
    const longest = Math.max(0, ...lines.map((l) => l.length));
    const seconds = (Number(field(row, "out").value) - Number(field(row, "in").value)) / 1000;
    const chars = lines.join(" ").length;
    const cps = seconds > 0 ? chars / seconds : Infinity;
    const cpl = field(row, "cpl");
    const speed = field(row, "cps");
    cpl.textContent = `${longest}/${limits.chars} cpl` + (lines.length > limits.lines ? `, ${lines.length} lines` : "");
    speed.textContent = `${Number.isFinite(cps) ? cps.toFixed(1) : "∞"}/${limits.cps} cps`;
    cpl.classList.toggle("over", longest > limits.chars || lines.length > limits.lines);
    speed.classList.toggle("over", cps > limits.cps);
  }

  function cues() {
    return rows().map((row) => ({
      start_ms: Number(field(row, "in").value),
      end_ms: Number(field(row, "out").value),
      text: field(row, "text").value,
    }));
  }

  function focusRow(index) {
    const all = rows();
    const target = all[Math.max(0, Math.min(index, all.length - 1))];
    if (target) field(target, "text").focus();
  }

  function split(row) {
    const text = field(row, "text");
    const at = text.selectionStart;
    const start = Number(field(row, "in").value);
    const end = Number(field(row, "out").value);
    const share = text.value.length ? at / text.value.length : 0.5;
    const cut = toFrame(start + (end - start) * share);
    const copy = row.cloneNode(true);
    field(copy, "text").value = text.value.slice(at).trim();
    text.value = text.value.slice(0, at).trim();
    field(row, "out").value = onFrame(cut - 2);
    field(copy, "in").value = onFrame(cut);
    row.after(copy);
    wire(copy);
    renumber();
    meter(row);
    meter(copy);
  }

  function merge(row) {
    const next = row.nextElementSibling;
    if (!next) return;
    field(row, "text").value = (field(row, "text").value + "\n" + field(next, "text").value).trim();
    field(row, "out").value = field(next, "out").value;
    next.remove();
    renumber();
    meter(row);
  }

  function nudge(row, which, frames) {
    const input = field(row, which);
    input.value = Math.max(0, onFrame(toFrame(Number(input.value)) + frames));
    meter(row);
  }

  function renumber() {
    rows().forEach((row, i) => {
      const n = i + 1;
      row.querySelector(".play").textContent = `▶ ${n}`;
      row.querySelector(".play").setAttribute("aria-label", `Play cue ${n}`);
      for (const name of ["in", "out", "text"]) field(row, name).id = `${name}-${n}`;
    });
  }

  function wire(row) {
    for (const name of ["text", "in", "out"]) field(row, name).addEventListener("input", () => meter(row));
    row.querySelector(".play").addEventListener("click", () => {
      if (!media) return;
      media.currentTime = Number(field(row, "in").value) / 1000;
      media.play();
    });
  }

  async function save(force) {
    const response = await fetch(table.dataset.saveUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": table.dataset.csrf },
      body: JSON.stringify({ base_revision: baseRevision, cues: cues() }),
      credentials: "same-origin",
    });
    const reply = await response.json();
    if (response.status === 409 && reply.error && reply.error.details.latest_revision) {
      showConflict(reply.error);
      return;
    }
    if (!response.ok) {
      status.textContent = `Not saved: ${reply.error ? reply.error.message : response.status}`;
      status.classList.add("error");
      return;
    }
    status.classList.remove("error");
    baseRevision = reply.revision;
    document.getElementById("revision").textContent = reply.revision;
    const qc = reply.qc ? reply.qc.summary : null;
    status.textContent = reply.unchanged
      ? `No changes since revision ${reply.revision}.`
      : `Saved as revision ${reply.revision}` + (qc ? `: QC ${qc.errors} errors, ${qc.warnings} warnings.` : ".");
  }

  function showConflict(error) {
    const box = document.getElementById("conflict");
    document.getElementById("conflict-message").textContent = error.message;
    const list = (id, diff) => {
      const ul = document.getElementById(id);
      ul.replaceChildren(...diff.changes.map((c) => {
        const li = document.createElement("li");
        li.textContent = `cue ${c.cue || c.was_cue} ${c.kind}` +
          (c.kind === "text" ? `: “${c.before}” → “${c.after}”` : "");
        return li;
      }));
    };
    list("their-changes", error.details.their_changes);
    list("your-changes", error.details.your_changes);
    box.hidden = false;
    box.focus();
    const mergeButton = document.getElementById("merge");
    mergeButton.hidden = !error.details.merged;
    mergeButton.onclick = () => {
      rows().forEach((row, i) => {
        const cue = error.details.merged[i];
        field(row, "in").value = cue.start_ms;
        field(row, "out").value = cue.end_ms;
        field(row, "text").value = cue.lines.join("\n");
        meter(row);
      });
      baseRevision = error.details.latest_revision;
      box.hidden = true;
      const both = error.details.both_changed;
      status.textContent = "Merged their edits into yours" +
        (both.length ? `; both of you changed cue ${both.join(", ")}: yours kept, check it` : "") +
        ". Save to keep it.";
    };
    document.getElementById("keep-mine").onclick = () => {
      baseRevision = error.details.latest_revision;
      box.hidden = true;
      save();
    };
    document.getElementById("take-theirs").onclick = () => window.location.reload();
  }

  rows().forEach((row) => { wire(row); meter(row); });

  document.addEventListener("keydown", (event) => {
    const row = event.target.closest && event.target.closest("tr.cue");
    if ((event.ctrlKey || event.metaKey) && event.key === "s") {
      event.preventDefault();
      if (editable) save();
      return;
    }
    if (!row || !event.altKey) return;
    const index = rows().indexOf(row);
    const actions = {
      ArrowDown: () => focusRow(index + 1),
      ArrowUp: () => focusRow(index - 1),
      s: () => editable && split(row),
      m: () => editable && merge(row),
      "[": () => editable && nudge(row, event.shiftKey ? "out" : "in", -1),
      "]": () => editable && nudge(row, event.shiftKey ? "out" : "in", 1),
      "{": () => editable && nudge(row, "out", -1),
      "}": () => editable && nudge(row, "out", 1),
    };
    const action = actions[event.key] || actions[event.key.toLowerCase()];
    if (action) { event.preventDefault(); action(); }
  });

  const saveButton = document.getElementById("save");
  if (saveButton) saveButton.addEventListener("click", () => save());

  if (media) {
    media.addEventListener("timeupdate", () => {
      const ms = media.currentTime * 1000;
      const current = rows().find((r) => Number(field(r, "in").value) <= ms && ms < Number(field(r, "out").value));
      rows().forEach((r) => r.classList.toggle("playing", r === current));
      nowShowing.textContent = current ? field(current, "text").value : "";
    });
  }
})();

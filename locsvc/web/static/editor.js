// The review editor: live meters, keyboard editing, speakers (badges, changing a cue's
// speaker, dual-speaker events, renaming), saving with conflict handling, and the player
// showing the current cue. Plain JavaScript, no build step.
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
  // The episode's speakers ({label, name, class, ...}) and the track language's dialogue
  // dash: the domain's rule (domain.dialogue.dialogue_lines).
  const cast = JSON.parse(table.dataset.speakers || "[]");
  const dash = table.dataset.dash || "-";
  const dashFirst = table.dataset.dashFirst !== "false";
  const PALETTE = 8;

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
      speakers: speakersToSave(row),
    }));
  }

  // --- speakers -------------------------------------------------------------------------
  // A row's speakers are one label per line (the domain's Cue.speakers), or [] when
  // unknown, kept as JSON in its speaker cell's data-speakers (so a copied row keeps them).

  const textLines = (row) => field(row, "text").value.split("\n").map((l) => l.trim()).filter((l) => l);
  const getSpeakers = (row) => JSON.parse(field(row, "speaker").dataset.speakers || "[]");
  const setSpeakers = (row, speakers) => { field(row, "speaker").dataset.speakers = JSON.stringify(speakers); };
  const distinct = (speakers) => Array.from(new Set(speakers));
  const castMember = (label) => cast.find((s) => s.label === label);
  const displayName = (label) => { const s = castMember(label); return s && s.name ? s.name : label; };

  function speakerClass(label) {  // as services.editor.speaker_class
    const known = castMember(label);
    if (known) return known.class;
    const digits = label.replace(/[^0-9]/g, "");
    const n = digits ? Number(digits) - 1 : Array.from(label).reduce((a, c) => a + c.codePointAt(0), 0);
    return `speaker-${(((n % PALETTE) + PALETTE) % PALETTE) + 1}`;
  }

  function speakersToSave(row) {
    const speakers = getSpeakers(row);
    const n = textLines(row).length;
    if (!speakers.length || !n || speakers.length === n) return speakers;
    if (distinct(speakers).length === 1) return Array(n).fill(speakers[0]);
    return speakers;  // a dual cue no longer of two lines: the server says which
  }

  // domain.dialogue.strip_dash: the leading dialogue dash (after any tags), and its space.
  const stripDash = (line) => line.replace(/^(\s*(?:<[^>]*>)*)(?!--)[-\u2013\u2014] */, "$1");
  const dialogueLines = (first, second) => [dashFirst ? dash + first : first, dash + second];

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("error", Boolean(isError));
  }

  function badge(label) {
    const span = document.createElement("span");
    span.className = `badge ${speakerClass(label)}`;
    span.dataset.label = label;
    span.title = label;
    span.textContent = displayName(label);
    return span;
  }

  function speakerSelect(value, label, onChange) {
    const select = document.createElement("select");
    select.className = "speaker-select";
    select.setAttribute("aria-label", label);
    const unknown = new Option("— unknown —", "");
    select.add(unknown);
    for (const s of cast) select.add(new Option(s.name ? `${s.name} (${s.label})` : s.label, s.label));
    if (value && !castMember(value)) select.add(new Option(value, value));
    select.value = value || "";
    select.addEventListener("change", () => onChange(select.value));
    return select;
  }

  function renderSpeakers(row) {
    const cell = field(row, "speaker");
    const speakers = getSpeakers(row);
    const who = distinct(speakers);
    cell.querySelector(".badges").replaceChildren(...who.map(badge));
    if (!editable) return;
    const controls = document.createElement("div");
    controls.className = "speaker-controls";
    if (who.length <= 1) {
      controls.append(speakerSelect(who[0], "Speaker", (label) => {
        setSpeakers(row, label ? Array(Math.max(1, textLines(row).length)).fill(label) : []);
        renderSpeakers(row);
      }));
      const two = document.createElement("button");
      two.type = "button";
      two.className = "two-speakers";
      two.textContent = "Two speakers";
      two.title = "Make a dual-speaker event: one line per speaker, with dialogue dashes";
      two.disabled = cast.length < 2;
      two.addEventListener("click", () => splitSpeakers(row));
      controls.append(two);
    } else {
      speakers.forEach((label, i) => {
        controls.append(speakerSelect(label, `Speaker of line ${i + 1}`, (chosen) => {
          const now = getSpeakers(row);
          if (chosen) now[i] = chosen;
          setSpeakers(row, chosen ? now : []);
          renderSpeakers(row);
        }));
      });
      const one = document.createElement("button");
      one.type = "button";
      one.className = "one-speaker";
      one.textContent = "One speaker";
      one.title = "Back to one speaker: the dialogue dashes go";
      one.addEventListener("click", () => mergeSpeakers(row));
      controls.append(one);
    }
    const old = cell.querySelector(".speaker-controls");
    if (old) old.replaceWith(controls); else cell.append(controls);
  }

  // The word boundary nearest the caret (or the middle) in a one-line cue.
  function wordCut(line, at) {
    if (!(at > 0 && at < line.length)) at = Math.floor(line.length / 2);
    for (let d = 0; d < line.length; d += 1) {
      for (const i of [at - d, at + d]) {
        if (i > 0 && i < line.length && /\s/.test(line[i]) !== /\s/.test(line[i - 1])) {
          const first = line.slice(0, i).trim();
          const second = line.slice(i).trim();
          if (first && second) return [first, second];
        }
      }
    }
    return null;
  }

  function splitSpeakers(row) {
    const text = field(row, "text");
    const lines = textLines(row);
    const number = rows().indexOf(row) + 1;
    if (cast.length < 2) { say("Two speakers need two of the episode's speakers.", true); return; }
    let parts;
    if (lines.length === 1) {
      const offset = text.value.indexOf(lines[0]);
      parts = wordCut(stripDash(lines[0]), text.selectionStart - offset);
      if (!parts) { say(`Cue ${number}: no word boundary to split at.`, true); return; }
    } else if (lines.length === 2) {
      parts = lines.map(stripDash);
    } else {
      say(`Cue ${number}: a dual-speaker event has two lines; make it two lines first.`, true);
      return;
    }
    text.value = dialogueLines(parts[0], parts[1]).join("\n");
    const current = getSpeakers(row)[0] || cast[0].label;
    const other = (cast.find((s) => s.label !== current) || cast[0]).label;
    setSpeakers(row, [current, other]);
    renderSpeakers(row);
    meter(row);
    say(`Cue ${number}: two speakers, one a line. Check each line's speaker.`);
  }

  function mergeSpeakers(row) {
    const text = field(row, "text");
    const lines = textLines(row).map(stripDash);
    text.value = lines.join("\n");
    const first = getSpeakers(row)[0];
    setSpeakers(row, first ? lines.map(() => first) : []);
    renderSpeakers(row);
    meter(row);
  }

  // A row's speakers cut as its lines are (split of a cue at the caret): the first
  // ``n1`` lines' and the last ``n2`` lines' (the line cut in two is in both).
  function piece(row, speakers, from, count, wasDual) {
    const part = speakers.slice(from, from + count);
    if (wasDual && distinct(part).length === 1) {
      field(row, "text").value = textLines(row).map(stripDash).join("\n");
    }
    setSpeakers(row, part);
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
    const speakers = getSpeakers(row);
    const lineCount = textLines(row).length;
    field(copy, "text").value = text.value.slice(at).trim();
    text.value = text.value.slice(0, at).trim();
    if (speakers.length && speakers.length === lineCount) {
      const wasDual = distinct(speakers).length > 1;
      const second = textLines(copy).length;
      piece(row, speakers, 0, textLines(row).length, wasDual);
      piece(copy, speakers, speakers.length - second, second, wasDual);
    }
    field(row, "out").value = onFrame(cut - 2);
    field(copy, "in").value = onFrame(cut);
    row.after(copy);
    wire(copy);
    renumber();
    renderSpeakers(row);
    meter(row);
    meter(copy);
  }

  function merge(row) {
    const next = row.nextElementSibling;
    if (!next) return;
    const fill = (r, other) => {
      const own = speakersToSave(r);
      return own.length ? own : textLines(r).map(() => other[0]);
    };
    const mine = speakersToSave(row);
    const theirs = speakersToSave(next);
    const speakers = mine.length || theirs.length ? [...fill(row, theirs), ...fill(next, mine)] : [];
    field(row, "text").value = (field(row, "text").value + "\n" + field(next, "text").value).trim();
    const lines = textLines(row);
    if (lines.length === 2 && distinct(speakers).length === 2) {  // two speakers: a dual event
      field(row, "text").value = dialogueLines(stripDash(lines[0]), stripDash(lines[1])).join("\n");
    }
    setSpeakers(row, speakers);
    renderSpeakers(row);
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
    renderSpeakers(row);
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
        setSpeakers(row, cue.speakers || []);
        renderSpeakers(row);
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

  // A translation memory match replaces the cue's text (Alt+1..3, or its button).
  function useMatch(row, number) {
    const button = row.querySelectorAll(".use-match")[number - 1];
    if (!editable || !button) return;
    const text = field(row, "text");
    text.value = button.dataset.target;
    text.dispatchEvent(new Event("input", { bubbles: true }));
    meter(row);
    say(`Cue ${rows().indexOf(row) + 1}: memory match ${button.textContent} used.`);
  }
  body.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest(".use-match");
    if (!button) return;
    const row = button.closest("tr.cue");
    useMatch(row, Array.from(row.querySelectorAll(".use-match")).indexOf(button) + 1);
  });

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
      1: () => useMatch(row, 1),
      2: () => useMatch(row, 2),
      3: () => useMatch(row, 3),
    };
    const digit = /^Digit([1-3])$/.exec(event.code || "");  // Alt+digit types "¡" on a Mac
    const action = actions[event.key] || actions[event.key.toLowerCase()] || (digit && actions[digit[1]]);
    if (action) { event.preventDefault(); action(); }
  });

  // Renaming a speaker (the whole episode): the panel's forms, sent by script so that
  // unsaved edits stay; the badges show the new name.
  for (const form of document.querySelectorAll("form.rename")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const name = form.elements.name.value.trim();
      const response = await fetch(form.action, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": table.dataset.csrf },
        body: JSON.stringify({ name }),
        credentials: "same-origin",
      });
      const reply = await response.json().catch(() => ({}));
      if (!response.ok) {
        say(`Not renamed: ${reply.error ? reply.error.message : response.status}`, true);
        return;
      }
      const known = castMember(reply.label);
      if (known) known.name = reply.name;
      const line = form.closest("tr");
      line.querySelector(".speaker-name").textContent = reply.name;
      form.elements.name.value = reply.name;
      rows().forEach(renderSpeakers);
      say(`${reply.label} is now ${reply.name} in the whole episode.`);
    });
  }

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

// The demo's chat page: one person's chat with the bot, as the Telegram app shows it.
// The state comes from /chat/api/state (a long poll that answers once anything changes);
// every action posts to /chat/api/personas/<id>/<action> and the next state shows its effect.
"use strict";

const $ = (id) => document.getElementById(id);
const TZ = "Asia/Almaty";
const timeFormat = new Intl.DateTimeFormat("ru-RU", { timeZone: TZ, hour: "2-digit", minute: "2-digit" });
const dayFormat = new Intl.DateTimeFormat("ru-RU", { timeZone: TZ, day: "numeric", month: "long", year: "numeric" });
const fullFormat = new Intl.DateTimeFormat("ru-RU", {
  timeZone: TZ, day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit",
});

const page = {
  persona: null, // the id of the person being played
  etag: "",
  state: null,
  poll: null, // the AbortController of the long poll in flight
  rendered: new Map(), // message id -> {json, element}
  shownAnswers: new Set(),
  seen: JSON.parse(localStorage.getItem("tgemu-seen") || "{}"), // persona id -> last message id read
};

// --- the long poll ------------------------------------------------------------------------------

async function pollLoop(persona) {
  const controller = new AbortController();
  page.poll = controller;
  let failures = 0;
  while (page.persona === persona && !controller.signal.aborted) {
    try {
      const query = new URLSearchParams({ persona, since: page.etag });
      const response = await fetch(`/chat/api/state?${query}`, { signal: controller.signal });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const state = await response.json();
      failures = 0;
      if (page.persona !== persona) return;
      const first = page.state === null || page.state.chat.id !== state.chat.id;
      page.etag = state.etag;
      page.state = state;
      render(state, first);
    } catch (error) {
      if (controller.signal.aborted) return;
      failures += 1;
      showToast("Нет связи с эмулятором… · Эмулятормен байланыс жоқ…");
      // The demo was stopped or restarted: try again, less and less often.
      await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** failures, 10000)));
    }
  }
}

function choosePersona(id) {
  if (page.persona === id) return;
  if (page.poll) page.poll.abort();
  page.persona = id;
  page.etag = "";
  page.state = null;
  page.rendered.clear();
  $("messages").replaceChildren();
  location.hash = `persona=${id}`;
  closePopups();
  pollLoop(id);
}

// --- actions ------------------------------------------------------------------------------------

async function act(action, body) {
  const persona = page.persona;
  const options = body instanceof FormData
    ? { method: "POST", body }
    : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  try {
    const response = await fetch(`/chat/api/personas/${persona}/${action}`, options);
    if (!response.ok) {
      const answer = await response.json().catch(() => ({}));
      showToast(answer.error || `Ошибка ${response.status}`);
    }
  } catch (error) {
    showToast("Нет связи с эмулятором · Эмулятормен байланыс жоқ");
  }
}

async function travel(seconds) {
  const response = await fetch("/chat/api/clock", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ seconds }),
  });
  if (response.ok) {
    const answer = await response.json();
    if (page.state) page.state.clock_offset = answer.clock_offset;
    renderClock();
    showToast(seconds >= 86400 ? "Прошёл день · Бір күн өтті" : "Прошёл час · Бір сағат өтті");
  }
}

function deepLinkPayload(url) {
  if (!page.state) return null;
  const username = page.state.bot.username.toLowerCase();
  const match = /^(?:https?:\/\/)?(?:t|telegram)\.me\/([A-Za-z0-9_]+)(?:\?start=([A-Za-z0-9_-]*))?/.exec(url);
  return match && match[1].toLowerCase() === username ? match[2] || "" : null;
}

function openUrl(url) {
  if (deepLinkPayload(url) !== null) {
    act("link", { url });
  } else if (/^https?:\/\//.test(url)) {
    window.open(url, "_blank", "noopener");
  }
}

// --- rendering ----------------------------------------------------------------------------------

function render(state, first) {
  $("bot-name").textContent = state.bot.name;
  const persona = state.personas.find((p) => p.id === state.chat.id);
  $("chat-who").textContent = persona ? `бот · вы: ${persona.name} (${persona.role})` : "бот";
  renderPersonas(state);
  renderClock();
  renderMessages(state.chat, first);
  renderReplyKeyboard(state.chat.reply_keyboard);
  renderCommandMenu(state.chat.commands);
  renderAttachMenu(state.samples);
  renderAnswers(state.chat.answers, first);
  const last = state.chat.messages.at(-1);
  page.seen[state.chat.id] = last ? last.id : 0;
  localStorage.setItem("tgemu-seen", JSON.stringify(page.seen));
}

function renderPersonas(state) {
  const items = state.personas.map((persona) => {
    const item = element("button", { class: "persona", type: "button", "data-persona": persona.id });
    if (persona.id === state.chat.id) item.classList.add("active");
    item.append(avatar(persona.name, persona.id));
    const text = element("div", { class: "persona-text" });
    text.append(
      element("div", { class: "persona-name" }, persona.name),
      element("div", { class: "persona-role muted" }, persona.role),
      element("div", { class: "persona-preview muted" }, persona.preview || "—"),
    );
    item.append(text);
    const unread = persona.id !== state.chat.id && persona.last_id > (page.seen[persona.id] || 0);
    if (unread) item.append(element("span", { class: "badge", title: "Новые сообщения" }, "●"));
    item.addEventListener("click", () => choosePersona(persona.id));
    return item;
  });
  $("personas").replaceChildren(...items);
}

function renderClock() {
  const offset = page.state ? page.state.clock_offset : null;
  $("time-travel").hidden = offset === null;
  if (offset === null) return;
  $("demo-now").textContent = fullFormat.format(new Date(Date.now() + offset * 1000));
  const hours = Math.round(offset / 3600);
  $("demo-offset").textContent = hours
    ? `впереди на ${Math.floor(hours / 24)} д ${hours % 24} ч · ${Math.floor(hours / 24)} күн ${hours % 24} сағ алда`
    : "настоящее время · қазіргі уақыт";
}

function renderMessages(chat, first) {
  const list = $("messages");
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const wanted = new Set(chat.messages.map((m) => m.id));
  for (const [id, rendered] of page.rendered) {
    if (!wanted.has(id)) {
      rendered.element.remove();
      page.rendered.delete(id);
    }
  }
  let previous = null;
  let added = false;
  const pressing = new Set(chat.pressing);
  for (const message of chat.messages) {
    const json = JSON.stringify(message);
    let rendered = page.rendered.get(message.id);
    if (!rendered || rendered.json !== json) {
      const fresh = messageElement(message);
      if (rendered) rendered.element.replaceWith(fresh);
      else {
        insertAfter(list, fresh, previous);
        added = true;
      }
      rendered = { json, element: fresh };
      page.rendered.set(message.id, rendered);
    }
    rendered.element.classList.toggle("pressing", pressing.has(message.id));
    previous = rendered.element;
  }
  renderDaySeparators(chat.messages);
  $("empty").hidden = chat.messages.length > 0;
  if (first || (added && nearBottom) || (added && chat.messages.at(-1)?.out)) {
    list.scrollTop = list.scrollHeight;
  }
}

function insertAfter(list, node, previous) {
  if (previous === null) list.prepend(node);
  else previous.after(node);
}

function renderDaySeparators(messages) {
  let day = null;
  for (const message of messages) {
    const element = page.rendered.get(message.id).element;
    const thisDay = dayFormat.format(new Date(message.date * 1000));
    element.dataset.day = thisDay !== day ? thisDay : "";
    day = thisDay;
  }
}

function messageElement(message) {
  const row = element("div", { class: `message ${message.out ? "out" : "in"}`, "data-id": message.id });
  const bubble = element("div", { class: "bubble" });
  if (message.file) bubble.append(fileElement(message.file));
  if (message.contact) {
    bubble.append(element("div", { class: "contact" }, `📱 ${message.contact.name} · ${message.contact.phone}`));
  }
  if (message.text) {
    const text = element("div", { class: "text" });
    text.append(formatted(message.text, message.entities));
    bubble.append(text);
  }
  const meta = element("span", { class: "meta" });
  meta.textContent = `${message.edited ? "изм. · " : ""}${timeFormat.format(new Date(message.date * 1000))}`;
  bubble.append(meta);
  row.append(bubble);
  if (message.buttons.length) row.append(inlineKeyboard(message));
  return row;
}

function fileElement(file) {
  if (file.kind === "photo") {
    const link = element("a", { href: file.url, target: "_blank", class: "photo" });
    link.append(element("img", { src: file.url, alt: file.name }));
    return link;
  }
  const card = element("a", { class: "document", href: file.url, download: file.name });
  const extension = (file.name.split(".").pop() || "").slice(0, 4).toUpperCase();
  card.append(
    element("span", { class: "doc-icon" }, extension || "FILE"),
    element("span", { class: "doc-text" }),
  );
  card.lastChild.append(
    element("span", { class: "doc-name" }, file.name),
    element("span", { class: "doc-size muted" }, `${humanSize(file.size)} · скачать · жүктеу`),
  );
  return card;
}

function inlineKeyboard(message) {
  const keyboard = element("div", { class: "inline-keyboard" });
  message.buttons.forEach((row, rowIndex) => {
    const line = element("div", { class: "keyboard-row" });
    row.forEach((button, column) => {
      const node = element("button", { type: "button", class: "inline-button" }, button.text);
      if (button.url) {
        node.classList.add("url-button");
        node.addEventListener("click", () => openUrl(button.url));
      } else if (button.callback) {
        node.addEventListener("click", () => act("press", { message_id: message.id, row: rowIndex, column }));
      } else {
        node.disabled = true;
      }
      line.append(node);
    });
    keyboard.append(line);
  });
  return keyboard;
}

function renderReplyKeyboard(keyboard) {
  const box = $("reply-keyboard");
  $("text").placeholder = keyboard?.placeholder || "Сообщение · Хабарлама";
  if (!keyboard) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const rows = keyboard.rows.map((row) => {
    const line = element("div", { class: "keyboard-row" });
    for (const button of row) {
      const node = element("button", { type: "button", class: "reply-button" }, button.text);
      if (button.contact) node.title = "Поделится телефоном персоны · Персонаның телефонын жібереді";
      node.addEventListener("click", () => act("reply", { text: button.text }));
      line.append(node);
    }
    return line;
  });
  box.replaceChildren(...rows);
  box.hidden = false;
}

function renderCommandMenu(commands) {
  const items = commands.map((command) => {
    const item = element("button", { type: "button", class: "menu-item" });
    item.append(element("b", {}, `/${command.command}`), element("span", { class: "muted" }, command.description));
    item.addEventListener("click", () => {
      closePopups();
      act("text", { text: `/${command.command}` });
    });
    return item;
  });
  if (!items.length) items.push(element("div", { class: "muted menu-item" }, "Бот не задал команд"));
  $("command-menu").replaceChildren(...items);
}

function renderAttachMenu(samples) {
  const pick = element("button", { type: "button", class: "menu-item" }, "💻 Файл с компьютера… · Компьютерден");
  pick.addEventListener("click", () => {
    closePopups();
    $("file-input").click();
  });
  const items = [pick];
  for (const name of samples) {
    const item = element("button", { type: "button", class: "menu-item", "data-sample": name }, `📊 Пример · Үлгі: ${name}`);
    item.addEventListener("click", () => {
      closePopups();
      act("sample", { name });
    });
    items.push(item);
  }
  $("attach-menu").replaceChildren(...items);
}

function renderAnswers(answers, first) {
  for (const answer of answers) {
    if (page.shownAnswers.has(answer.id)) continue;
    page.shownAnswers.add(answer.id);
    if (first) continue; // shown before the page was opened
    if (answer.alert) {
      $("alert-text").textContent = answer.text;
      if (!$("alert").open) $("alert").showModal();
    } else {
      showToast(answer.text);
    }
  }
}

// --- Telegram's formatting: text plus entities (offsets in UTF-16 units, as JavaScript's) -----

const TAGS = {
  bold: "b", italic: "i", underline: "u", strikethrough: "s", code: "code", pre: "pre",
  blockquote: "blockquote", expandable_blockquote: "blockquote", spoiler: "span",
};

function formatted(text, entities) {
  const sorted = [...(entities || [])].sort((a, b) => a.offset - b.offset || b.length - a.length);
  const root = document.createDocumentFragment();
  build(root, text, 0, text.length, sorted, false);
  return root;
}

function build(parent, text, start, end, entities, inLink) {
  let position = start;
  let index = 0;
  while (index < entities.length) {
    const entity = entities[index];
    const entityEnd = Math.min(entity.offset + entity.length, end);
    if (entity.offset > position) appendText(parent, text.slice(position, entity.offset), inLink);
    const inner = [];
    index += 1;
    while (index < entities.length && entities[index].offset < entityEnd) inner.push(entities[index++]);
    const node = entityElement(entity, text.slice(entity.offset, entityEnd));
    const isLink = node.tagName === "A";
    build(node, text, entity.offset, entityEnd, inner, inLink || isLink);
    parent.append(node);
    position = Math.max(position, entityEnd);
  }
  if (position < end) appendText(parent, text.slice(position, end), inLink);
}

function entityElement(entity, content) {
  if (TAGS[entity.type]) {
    const node = element(TAGS[entity.type]);
    if (entity.type === "spoiler") {
      node.className = "spoiler";
      node.addEventListener("click", () => node.classList.add("revealed"));
    }
    return node;
  }
  if (entity.type === "text_link" || entity.type === "url") {
    return linkElement(entity.type === "url" ? content : entity.url);
  }
  if (entity.type === "bot_command") {
    const node = element("a", { href: "#", class: "command" });
    node.addEventListener("click", (event) => {
      event.preventDefault();
      act("text", { text: content });
    });
    return node;
  }
  if (entity.type === "email") return element("a", { href: `mailto:${content}` });
  return element("span", { class: entity.type });
}

function linkElement(url) {
  const href = /^[a-z]+:/i.test(url) ? url : `https://${url}`;
  const node = element("a", { href, target: "_blank", rel: "noopener" });
  if (deepLinkPayload(url) !== null) {
    node.classList.add("deep-link");
    node.title = "Открыть в этом чате · Осы чатта ашу";
    node.addEventListener("click", (event) => {
      event.preventDefault();
      openUrl(url);
    });
  }
  return node;
}

const PLAIN_LINK = /(?:https?:\/\/|\bt\.me\/)[^\s<>"«»]+[^\s<>"«».,;:!?)]/g;

function appendText(parent, text, inLink) {
  if (inLink) {
    parent.append(text);
    return;
  }
  // Telegram's servers turn bare links into entities; the emulator leaves them as text.
  let position = 0;
  for (const match of text.matchAll(PLAIN_LINK)) {
    parent.append(text.slice(position, match.index));
    const link = linkElement(match[0]);
    link.textContent = match[0];
    parent.append(link);
    position = match.index + match[0].length;
  }
  parent.append(text.slice(position));
}

// --- small things -------------------------------------------------------------------------------

function element(tag, attributes = {}, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function avatar(name, id) {
  const initials = name.split(/\s+/).map((part) => part[0] || "").join("").slice(0, 2);
  const hue = (id * 67) % 360;
  return element("span", { class: "avatar", style: `background: hsl(${hue} 55% 55%)` }, initials);
}

function humanSize(bytes) {
  if (bytes < 1024) return `${bytes} Б`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} КБ`;
  return `${(bytes / 1024 / 1024).toFixed(1)} МБ`;
}

let toastTimer = null;
function showToast(text) {
  const toast = $("toast");
  toast.textContent = text;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toast.hidden = true; }, 3500);
}

function closePopups() {
  $("command-menu").hidden = true;
  $("attach-menu").hidden = true;
}

function togglePopup(id) {
  const popup = $(id);
  const wasHidden = popup.hidden;
  closePopups();
  popup.hidden = !wasHidden;
}

function openLinkDialog() {
  const links = page.state ? page.state.links : [];
  const items = links.map((link) => {
    const item = element("button", { type: "button", class: "menu-item found-link" });
    item.append(element("b", {}, link.label || link.url), element("span", { class: "muted small" }, link.url));
    item.addEventListener("click", () => {
      $("link-dialog").close();
      act("link", { url: link.url });
    });
    return item;
  });
  if (items.length) items.unshift(element("div", { class: "side-label" }, "Ссылки из чатов · Чаттардағы сілтемелер"));
  $("found-links").replaceChildren(...items);
  $("link-url").value = "";
  $("link-dialog").showModal();
}

function wire() {
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("text").value.trim();
    if (!text) return;
    $("text").value = "";
    act("text", { text });
  });
  $("menu-button").addEventListener("click", () => togglePopup("command-menu"));
  $("attach").addEventListener("click", () => togglePopup("attach-menu"));
  $("file-input").addEventListener("change", () => {
    const file = $("file-input").files[0];
    if (!file) return;
    const form = new FormData();
    form.append("file", file, file.name);
    act("document", form);
    $("file-input").value = "";
  });
  $("start-button").addEventListener("click", () => act("text", { text: "/start" }));
  $("scan").addEventListener("click", openLinkDialog);
  $("link-form").addEventListener("submit", (event) => {
    if (event.submitter && event.submitter.value === "open") {
      const url = $("link-url").value.trim();
      if (url) act("link", { url });
    }
  });
  for (const button of document.querySelectorAll("#time-travel button[data-seconds]")) {
    button.addEventListener("click", () => travel(Number(button.dataset.seconds)));
  }
  document.addEventListener("click", (event) => {
    if (!event.target.closest(".popup, #menu-button, #attach")) closePopups();
  });
  setInterval(renderClock, 15000);
}

async function main() {
  wire();
  const response = await fetch("/chat/api/personas");
  const personas = response.ok ? await response.json() : [];
  const wanted = Number(location.hash.match(/persona=(\d+)/)?.[1]);
  const persona = personas.find((p) => p.id === wanted) || personas[0];
  if (persona) choosePersona(persona.id);
}

main();

// bourse dashboard: vanilla JS, no build step. The token stays in
// sessionStorage; the live stream is read with fetch (EventSource cannot
// send an Authorization header) and parsed as Server-Sent Events.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const S = {
    token: sessionStorage.getItem("bourse.token") || "",
    trader: "", sym: "", instruments: [],
    trades: [], bars: [], sma: [], top: [], orders: new Map(),
    lastId: "", abort: null,
    // the selected instrument's book, joined from GET book (seq) and the
    // stream's book events (seq = last + 1), replaced by book_snapshot events.
    book: { seq: 0, bids: new Map(), asks: new Map() }, bookLoading: false, bookHeld: [], bookGen: 0,
  };
  const MAX_TRADES = 300;

  async function api(path, opts = {}) {
    const headers = Object.assign({ Authorization: "Bearer " + S.token }, opts.headers || {});
    const r = await fetch(path, Object.assign({}, opts, { headers }));
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(body.error || r.status + " " + r.statusText);
    return body;
  }

  const fmt = (n) => (n === undefined || n === null ? "" : Number(n).toLocaleString(undefined, { maximumFractionDigits: 8 }));
  const time = (s) => (s ? new Date(s).toLocaleTimeString() : "");
  function el(tag, cls, text) { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }

  // ---- sign in -------------------------------------------------------
  $("signin").addEventListener("submit", (ev) => {
    ev.preventDefault();
    S.token = $("token").value.trim();
    sessionStorage.setItem("bourse.token", S.token);
    start();
  });

  async function start() {
    if (!S.token) { $("who").textContent = "enter a token"; return; }
    try {
      S.trader = (await api("/api/me")).trader_id;
      $("who").textContent = "signed in as " + S.trader;
      $("token").value = "";
      S.instruments = (await api("/api/instruments")).instruments;
    } catch (e) { $("who").textContent = e.message; return; }
    const nav = $("instruments");
    nav.replaceChildren();
    for (const ins of S.instruments) {
      const b = el("button", "", ins.symbol);
      b.type = "button";
      b.dataset.sym = ins.symbol;
      b.addEventListener("click", () => select(ins.symbol));
      nav.append(b);
    }
    if (S.instruments.length) await select(S.sym || S.instruments[0].symbol);
    connect();
  }

  async function select(sym) {
    S.sym = sym;
    for (const b of $("instruments").children) b.classList.toggle("active", b.dataset.sym === sym);
    $("sym").textContent = sym;
    renderPhase();
    await snapshot();
  }

  // snapshot refetches everything shown for the selected instrument.
  async function snapshot() {
    const sym = encodeURIComponent(S.sym);
    try {
      const [t, b, m, top, o, ins] = await Promise.all([
        api(`/api/instruments/${sym}/trades?limit=${MAX_TRADES}`), api(`/api/instruments/${sym}/bars?limit=200`),
        api(`/api/instruments/${sym}/sma?limit=200`), api("/api/top-profit?windows=10"), api("/api/orders"), api("/api/instruments"),
      ]);
      S.trades = t.trades; S.bars = b.bars; S.sma = m.sma; S.top = top.windows;
      S.orders = new Map(o.orders.map((x) => [x.order_id, x]));
      for (const x of ins.instruments) onStatus({ instrument: x.symbol, phase: x.phase, time: x.phase_since });
    } catch (e) { console.warn(e); }
    renderTape(); renderTop(); renderOrders(); renderPhase(); draw(); refreshBook();
  }

  // ---- live stream ---------------------------------------------------
  async function connect() {
    if (S.abort) S.abort.abort();
    const ctl = new AbortController();
    S.abort = ctl;
    for (;;) {
      try {
        const headers = { Authorization: "Bearer " + S.token };
        if (S.lastId) headers["Last-Event-ID"] = S.lastId;
        const r = await fetch("/api/stream", { headers, signal: ctl.signal });
        if (!r.ok) throw new Error("stream: " + r.status);
        $("conn").className = "conn on";
        const reader = r.body.getReader();
        const dec = new TextDecoder();
        let buf = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += dec.decode(value, { stream: true });
          let i;
          while ((i = buf.indexOf("\n\n")) >= 0) {
            dispatch(buf.slice(0, i));
            buf = buf.slice(i + 2);
          }
        }
      } catch (e) {
        if (ctl.signal.aborted) return;
      }
      $("conn").className = "conn off";
      await new Promise((res) => setTimeout(res, 2000));
    }
  }

  function dispatch(block) {
    let id = "", event = "message", data = "";
    for (const line of block.split("\n")) {
      if (line.startsWith("id: ")) id = line.slice(4);
      else if (line.startsWith("event: ")) event = line.slice(7);
      else if (line.startsWith("data: ")) data += line.slice(6);
    }
    if (id) S.lastId = id;
    if (event === "reset") { snapshot(); return; }
    if (!data) return;
    const rec = JSON.parse(data);
    switch (event) {
      case "trade": onTrade(rec); break;
      case "bar": if (rec.instrument === S.sym) { upsert(S.bars, rec, "bar_start"); draw(); } break;
      case "sma": if (rec.instrument === S.sym) { upsert(S.sma, rec, "window_start"); draw(); } break;
      case "profit": if (rec.rank === 1) { upsert(S.top, rec, "window_start", true); renderTop(); } break;
      case "order": onOrder(rec); break;
      case "book": if (rec.instrument === S.sym) onBook(rec); break;
      case "book_snapshot": if (rec.instrument === S.sym) setBook(rec, rec.bids, rec.asks); break;
      case "status": onStatus(rec); if (rec.instrument === S.sym) renderPhase(); break;
    }
  }

  function upsert(list, rec, key, newestFirst) {
    const i = list.findIndex((x) => x[key] === rec[key] && x.window_end === rec.window_end);
    if (i >= 0) list[i] = rec;
    else if (newestFirst) { list.unshift(rec); list.sort((a, b) => (a.window_end < b.window_end ? 1 : -1)); list.length = Math.min(list.length, 10); }
    else { list.push(rec); if (list.length > 500) list.shift(); }
  }

  function onTrade(t) {
    const ins = S.instruments.find((x) => x.symbol === t.instrument);
    if (ins) ins.last_price = t.price;
    if (t.instrument !== S.sym) return;
    S.trades.push(t);
    if (S.trades.length > MAX_TRADES) S.trades.shift();
    renderTape(); draw();
  }

  // onStatus records an instrument's trading phase (a status event, or
  // the phase GET /api/instruments reports).
  function onStatus(s) {
    const ins = S.instruments.find((x) => x.symbol === s.instrument);
    if (ins) { ins.phase = s.phase; ins.phase_since = s.time; }
  }

  function onOrder(e) {
    const o = S.orders.get(e.order_id) || { order_id: e.order_id };
    o.instrument = e.instrument; o.side = e.side; o.status = e.type;
    if (e.type === "ACCEPTED" || e.type === "REPLACED") { o.price = e.price; o.quantity = e.quantity; }
    o.leaves_quantity = e.leaves_quantity ?? 0; o.filled_quantity = e.filled_quantity ?? 0;
    o.open = ["ACCEPTED", "PARTIAL_FILL", "REPLACED"].includes(e.type) && o.leaves_quantity > 0;
    if (e.type === "REJECTED") { o.open = false; o.message = e.message; }
    S.orders.set(e.order_id, o);
    renderOrders();
  }

  // ---- rendering -----------------------------------------------------
  function renderPhase() {
    const ins = S.instruments.find((x) => x.symbol === S.sym) || {};
    const e = $("phase");
    e.textContent = ins.phase || "";
    e.className = "phase " + (ins.phase || "").toLowerCase();
    e.title = ins.phase_since ? "since " + time(ins.phase_since) : "";
  }

  function renderTape() {
    const ol = $("tape");
    const items = S.trades.slice(-60).reverse().map((t) => {
      const li = el("li", t.aggressor === "SELL" ? "sell" : "buy");
      li.dataset.tradeId = t.trade_id;
      li.append(el("span", "", time(t.trade_timestamp)), el("span", "", fmt(t.quantity)), el("span", "price", fmt(t.price)));
      return li;
    });
    ol.replaceChildren(...items);
    const last = S.trades[S.trades.length - 1];
    $("last").textContent = last ? fmt(last.price) : "";
  }

  function renderTop() {
    $("top").replaceChildren(...S.top.map((p) => {
      const li = el("li");
      li.dataset.windowEnd = p.window_end;
      li.append(el("span", "", time(p.window_start) + "–" + time(p.window_end)), el("b", "", p.instrument),
        el("span", p.profit >= 0 ? "buy" : "sell", fmt(p.profit)));
      return li;
    }));
  }

  function renderOrders() {
    const rows = [...S.orders.values()].filter((o) => o.instrument === S.sym).sort((a, b) => b.order_id - a.order_id).slice(0, 30).map((o) => {
      const tr = el("tr");
      tr.dataset.orderId = o.order_id;
      tr.append(el("td", "", String(o.order_id).slice(-6)), el("td", o.side === "SELL" ? "sell" : "buy", o.side),
        el("td", "", fmt(o.quantity)), el("td", "", fmt(o.price)), el("td", "", fmt(o.leaves_quantity)), el("td", "", o.status));
      const td = el("td");
      if (o.open) {
        const b = el("button", "", "✕");
        b.type = "button"; b.title = "cancel";
        b.addEventListener("click", () => cancel(o));
        td.append(b);
      }
      tr.append(td);
      return tr;
    });
    $("orders").tBodies[0].replaceChildren(...rows);
  }

  // ---- the book: GET book, then the feed's updates --------------------
  async function refreshBook() {
    if (!S.sym) return;
    const gen = ++S.bookGen, sym = S.sym;
    if (!S.bookLoading) S.bookHeld = [];
    S.bookLoading = true;
    let b = null;
    try { b = await api(`/api/instruments/${encodeURIComponent(sym)}/book?levels=10000`); } catch (e) { console.warn(e); }
    if (gen !== S.bookGen) return; // a newer fetch is under way
    if (b && sym === S.sym) setBook(b, b.bids, b.asks);
    S.bookLoading = false;
    const held = S.bookHeld; S.bookHeld = [];
    for (const u of held) onBook(u);
  }

  function setBook(b, bids, asks) {
    S.book = { seq: b.seq, bids: new Map(bids.map((l) => [l.price, l])), asks: new Map(asks.map((l) => [l.price, l])) };
    renderBook();
  }

  // onBook applies an update that continues the book; an older one is
  // already in it; a newer one means updates were missed: refetch.
  function onBook(u) {
    if (S.bookLoading) { S.bookHeld.push(u); return; }
    if (u.seq <= S.book.seq) return;
    if (u.seq !== S.book.seq + 1) { refreshBook(); return; }
    for (const l of u.levels) {
      const side = l.side === "BUY" ? S.book.bids : S.book.asks;
      if (l.quantity === 0 && l.orders === 0) side.delete(l.price); else side.set(l.price, l);
    }
    S.book.seq = u.seq;
    renderBook();
  }

  function renderBook() {
    const bids = [...S.book.bids.values()].sort((a, b) => b.price - a.price).slice(0, 10);
    const asks = [...S.book.asks.values()].sort((a, b) => a.price - b.price).slice(0, 10);
    const rows = [];
    for (let i = 0; i < Math.max(bids.length, asks.length); i++) {
      const bid = bids[i] || {}, ask = asks[i] || {};
      const tr = el("tr");
      tr.append(el("td", "", fmt(bid.quantity)), el("td", "buy", fmt(bid.price)), el("td", "sell", fmt(ask.price)), el("td", "", fmt(ask.quantity)));
      rows.push(tr);
    }
    $("book").tBodies[0].replaceChildren(...rows);
    $("book").dataset.seq = String(S.book.seq);
  }

  // draw plots bars (candles), the trade price line and the SMA line on
  // one time axis.
  function draw() {
    const cv = $("chart");
    const dpr = window.devicePixelRatio || 1;
    const w = cv.clientWidth || 800, h = cv.clientHeight || 300;
    cv.width = w * dpr; cv.height = h * dpr;
    const g = cv.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const pts = S.trades.map((t) => [Date.parse(t.trade_timestamp), Number(t.price)]);
    const smaPts = S.sma.map((s) => [Date.parse(s.window_end), Number(s.sma)]);
    const bars = S.bars.map((b) => ({ t0: Date.parse(b.bar_start), t1: Date.parse(b.bar_end), o: +b.open, h: +b.high, l: +b.low, c: +b.close }));
    cv.dataset.points = String(pts.length);
    cv.dataset.bars = String(bars.length);
    const xs = pts.map((p) => p[0]).concat(bars.map((b) => b.t0), bars.map((b) => b.t1));
    const ys = pts.map((p) => p[1]).concat(bars.map((b) => b.h), bars.map((b) => b.l));
    if (pts.length) { const t1 = xs.length ? Math.max(...xs) : 0; for (const p of smaPts) if (p[0] >= Math.min(...xs) && p[0] <= t1) ys.push(p[1]); }
    g.fillStyle = "#8a94a3"; g.font = "12px system-ui";
    if (!xs.length) { cv.dataset.sma = "0"; g.fillText("waiting for trades…", 10, 20); return; }
    let x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
    if (x1 === x0) { x0 -= 1000; x1 += 1000; }
    if (y1 === y0) { y0 -= 1; y1 += 1; }
    const pad = (y1 - y0) * 0.08; y0 -= pad; y1 += pad;
    const L = 56, R = 8, T = 8, B = 20;
    const X = (t) => L + ((t - x0) / (x1 - x0)) * (w - L - R);
    const Y = (p) => T + (1 - (p - y0) / (y1 - y0)) * (h - T - B);
    g.strokeStyle = "#252c36"; g.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const p = y0 + ((y1 - y0) * i) / 4, y = Y(p);
      g.beginPath(); g.moveTo(L, y); g.lineTo(w - R, y); g.stroke();
      g.fillText(fmt(p.toFixed(2)), 2, y + 4);
    }
    g.fillText(new Date(x0).toLocaleTimeString(), L, h - 4);
    const tl = new Date(x1).toLocaleTimeString();
    g.fillText(tl, w - R - g.measureText(tl).width, h - 4);
    for (const b of bars) {
      const up = b.c >= b.o, xa = X(b.t0), xb = X(b.t1), xm = (xa + xb) / 2, bw = Math.max(2, (xb - xa) * 0.6);
      g.strokeStyle = g.fillStyle = up ? "rgba(38,162,105,.6)" : "rgba(224,27,36,.6)";
      g.beginPath(); g.moveTo(xm, Y(b.h)); g.lineTo(xm, Y(b.l)); g.stroke();
      g.fillRect(xm - bw / 2, Y(Math.max(b.o, b.c)), bw, Math.max(1, Math.abs(Y(b.o) - Y(b.c))));
    }
    const line = (list, color, width) => {
      if (!list.length) return;
      g.strokeStyle = color; g.lineWidth = width; g.beginPath();
      list.forEach((p, i) => (i ? g.lineTo(X(p[0]), Y(p[1])) : g.moveTo(X(p[0]), Y(p[1]))));
      g.stroke();
      if (list.length === 1) { g.fillStyle = color; g.fillRect(X(list[0][0]) - 2, Y(list[0][1]) - 2, 4, 4); }
    };
    line(pts, "#62a0ea", 1.5);
    const smaShown = smaPts.filter((p) => p[0] >= x0 && p[0] <= x1);
    line(smaShown, "#f5c211", 2);
    cv.dataset.sma = String(smaShown.length); // SMA points drawn
  }
  window.addEventListener("resize", draw);

  // ---- order entry ---------------------------------------------------
  $("type").addEventListener("change", () => { $("price").disabled = $("type").value === "MARKET"; });
  $("ticket").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const st = $("ticket-status");
    const body = { instrument: S.sym, txn_type: $("side").value, quantity: Number($("qty").value), order_type: $("type").value, time_in_force: $("tif").value };
    if (body.order_type === "LIMIT") body.price = Number($("price").value);
    try {
      const r = await api("/api/orders", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      st.className = ""; st.textContent = `order ${r.order_id} sent`;
      if (!S.orders.has(r.order_id)) S.orders.set(r.order_id, Object.assign({ order_id: r.order_id, status: "PENDING", open: true, leaves_quantity: body.quantity }, body, { side: body.txn_type }));
      renderOrders();
    } catch (e) { st.className = "err"; st.textContent = e.message; }
  });

  async function cancel(o) {
    const st = $("ticket-status");
    try {
      await api(`/api/orders/${o.order_id}?instrument=${encodeURIComponent(o.instrument)}`, { method: "DELETE" });
      st.className = ""; st.textContent = `cancel of ${o.order_id} sent`;
    } catch (e) { st.className = "err"; st.textContent = e.message; }
  }

  // the kill switch: a first click arms it for 3 s, a second one sends
  // DELETE /api/orders (every instrument, both sides).
  let armed = 0;
  $("cancel-all").addEventListener("click", async () => {
    const b = $("cancel-all"), st = $("ticket-status");
    if (!armed) {
      b.classList.add("armed"); b.textContent = "Confirm cancel all";
      armed = setTimeout(() => { armed = 0; b.classList.remove("armed"); b.textContent = "Cancel all"; }, 3000);
      return;
    }
    clearTimeout(armed); armed = 0; b.classList.remove("armed"); b.textContent = "Cancel all";
    try {
      const r = await api("/api/orders", { method: "DELETE" });
      st.className = ""; st.textContent = `cancel all sent (${r.sent.length} instruments)`;
    } catch (e) { st.className = "err"; st.textContent = e.message; }
  });

  if (S.token) start();
})();

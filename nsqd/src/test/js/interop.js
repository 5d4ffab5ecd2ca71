#!/usr/bin/env node
// Interop check: the real nsqjs client publishes N unique bodies to our nsqd
// (mixing PUB and MPUB) and then consumes them back through a Reader.
// Prints one JSON summary line on stdout; diagnostics go to stderr.
// Exit 0 only if every published body was received (duplicates are allowed,
// NSQ is at-least-once, but they are reported).
'use strict'

const nsq = require('nsqjs')

function parseArgs(argv) {
  const opts = { count: 10000, timeout: 60, channel: 'interop', tls: false, snappy: false, deflate: false }
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '')
    const val = argv[i + 1]
    if (val === undefined) throw new Error(`missing value for ${argv[i]}`)
    if (key === 'nsqd-tcp') opts.nsqdTcp = val
    else if (key === 'topic') opts.topic = val
    else if (key === 'channel') opts.channel = val
    else if (key === 'count') opts.count = Number(val)
    else if (key === 'timeout') opts.timeout = Number(val)
    // negotiated features (see NsqjsFeaturesInteropTest)
    else if (key === 'tls') opts.tls = val === 'true'
    else if (key === 'ca') opts.ca = val
    else if (key === 'snappy') opts.snappy = val === 'true'
    else if (key === 'deflate') opts.deflate = val === 'true'
    else if (key === 'deflate-level') opts.deflateLevel = Number(val)
    else if (key === 'auth-secret') opts.authSecret = val
    else if (key === 'nsqd-http') opts.nsqdHttp = val
    else throw new Error(`unknown argument ${argv[i]}`)
  }
  if (!opts.nsqdTcp || !opts.topic) throw new Error('--nsqd-tcp and --topic are required')
  if (!(opts.count > 0)) throw new Error('--count must be positive')
  return opts
}

const log = (...a) => console.error('[interop.js]', ...a)

let published = 0
const received = new Map() // body -> delivery count
let receivedTotal = 0

// The connection options nsqjs takes for the IDENTIFY features, shared by Writer and Reader.
function connectionOptions(opts) {
  const o = { tls: opts.tls, snappy: opts.snappy, deflate: opts.deflate }
  if (opts.tls) o.ca = require('fs').readFileSync(opts.ca)
  if (opts.deflateLevel) o.deflateLevel = opts.deflateLevel
  if (opts.authSecret) o.authSecret = opts.authSecret
  return o
}

// What nsqd's /stats says the reader's connection negotiated (read while it is subscribed).
let negotiated = null
async function readNegotiated(opts) {
  if (!opts.nsqdHttp || negotiated) return
  negotiated = {}
  const res = await fetch(`http://${opts.nsqdHttp}/stats?format=json&topic=${opts.topic}`)
  const stats = await res.json()
  const c = stats.topics[0].channels[0].clients[0]
  negotiated = { tls: c.tls, snappy: c.snappy, deflate: c.deflate, user_agent: c.user_agent }
}

function summary() {
  let missing = 0
  for (const [, n] of received) if (n === 0) missing++
  return {
    negotiated,
    published,
    received: receivedTotal,
    unique: received.size - missing,
    missing,
    duplicates: receivedTotal - (received.size - missing),
  }
}

function finishAndExit(code, reason) {
  if (reason) log(reason)
  console.log(JSON.stringify(summary()))
  process.exit(code)
}

// The host:port split keeps IPv6 literals like [::1]:4150 working.
function splitHostPort(addr) {
  const idx = addr.lastIndexOf(':')
  return [addr.slice(0, idx).replace(/^\[|\]$/g, ''), Number(addr.slice(idx + 1))]
}

// Writer.publish() before READY both queues and sends (an nsqjs 0.13 quirk),
// so only publish once the writer has emitted 'ready'.
function connectWriter(host, port, options) {
  return new Promise((resolve, reject) => {
    const w = new nsq.Writer(host, port, options)
    w.once('ready', () => resolve(w))
    w.on('error', (err) => { log('writer error:', err && err.message); reject(err) })
    w.on('closed', () => log('writer closed'))
    w.connect()
  })
}

function publishOne(writer, topic, msgs) {
  return new Promise((resolve, reject) => {
    writer.publish(topic, msgs, (err) => (err ? reject(err) : resolve()))
  })
}

// Alternates single PUB with MPUB batches of 2..51 bodies; keeps a bounded
// window of outstanding commands so responses are pipelined but every
// callback is still awaited.
async function publishAll(writer, opts, bodies) {
  const window = 32
  const inflight = new Set()
  let i = 0
  let k = 0
  while (i < bodies.length) {
    const remaining = bodies.length - i
    const size = k % 2 === 0 || remaining === 1 ? 1 : Math.min(remaining, 2 + (k % 50))
    const chunk = bodies.slice(i, i + size)
    i += size
    k++
    // A one-element array would be sent as PUB anyway; send the string itself.
    const p = publishOne(writer, opts.topic, size === 1 ? chunk[0] : chunk)
      .then(() => { published += size })
    inflight.add(p)
    p.finally(() => inflight.delete(p)).catch(() => {})
    if (inflight.size >= window) await Promise.race(inflight)
  }
  await Promise.all(inflight)
  log(`published ${published} bodies in ${k} commands`)
}

function consume(opts) {
  return new Promise((resolve) => {
    const reader = new nsq.Reader(opts.topic, opts.channel, {
      nsqdTCPAddresses: [opts.nsqdTcp],
      maxInFlight: 200,
      ...connectionOptions(opts),
    })
    let statsRead = null
    let outstanding = received.size
    reader.on('message', (msg) => {
      const body = msg.body.toString()
      receivedTotal++
      const prev = received.get(body)
      if (prev === undefined) log(`unexpected body ${JSON.stringify(body)}`)
      else {
        received.set(body, prev + 1)
        if (prev === 0) outstanding--
      }
      msg.finish()
      if (!statsRead) statsRead = readNegotiated(opts).catch((e) => log('stats:', e && e.message))
      if (outstanding === 0) statsRead.then(() => resolve(reader))
    })
    reader.on('error', (err) => log('reader error:', err && err.message))
    reader.on('discard', (msg) => log('reader discard:', msg.id))
    reader.on('nsqd_connected', (h, p) => log(`reader connected to ${h}:${p}`))
    reader.on('nsqd_closed', (h, p) => log(`reader connection to ${h}:${p} closed`))
    reader.connect()
  })
}

async function main() {
  const opts = parseArgs(process.argv.slice(2))
  setTimeout(() => finishAndExit(2, `timed out after ${opts.timeout}s`), opts.timeout * 1000)

  const runId = `${process.pid}-${Date.now()}`
  const bodies = []
  for (let i = 0; i < opts.count; i++) {
    const b = `nsqjs-${runId}-${i}`
    bodies.push(b)
    received.set(b, 0)
  }

  const [host, port] = splitHostPort(opts.nsqdTcp)
  const writer = await connectWriter(host, port, connectionOptions(opts))
  await publishAll(writer, opts, bodies)
  writer.close()

  const reader = await consume(opts)
  // Drop the socket only once nsqd has the final FINs (closing earlier would requeue them
  // server-side): a fixed grace period was too short on a loaded machine.
  await finFlushed(opts)
  reader.close()
  finishAndExit(0)
}

/** Resolves once nsqd's channel has nothing in flight (or after 10 s, or without --nsqd-http). */
async function finFlushed(opts) {
  if (!opts.nsqdHttp) return
  const deadline = Date.now() + 10000
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://${opts.nsqdHttp}/stats?format=json&topic=${opts.topic}&channel=${opts.channel}`)
      const stats = await res.json()
      if (stats.topics[0].channels[0].in_flight_count === 0) return
    } catch (e) {
      log('stats:', e && e.message)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
}

main().catch((err) => finishAndExit(1, `failed: ${err && err.stack ? err.stack : err}`))

#!/usr/bin/env node
/*
 * Launcher for the `telegram-test-api` Bot API emulator, used by tests/bot/telegram_emulator.py.
 *
 * Usage: node telegram_emulator_server.js [--host 127.0.0.1] [--port 0] [--store-timeout 3600]
 *
 * --port 0 lets the OS pick a free port (no race with other processes). Once the server listens,
 * exactly one line is printed on stdout:
 *     TELEGRAM_TEST_API_READY {"host":"127.0.0.1","port":43210,"version":"4.2.1"}
 * The process stops the server and exits on SIGTERM/SIGINT, and also when its stdin is closed,
 * so that a killed test runner never leaves an orphaned emulator behind.
 * Set DEBUG=TelegramServer:* for the emulator's own request log (on stderr).
 */
'use strict';

const TelegramServer = require('telegram-test-api');
const emulatorPackage = require('telegram-test-api/package.json');

function parseArguments(argv) {
  const options = { host: '127.0.0.1', port: 0, storeTimeout: 3600 };
  for (let index = 0; index < argv.length; index += 2) {
    const name = argv[index];
    const value = argv[index + 1];
    if (value === undefined) {
      throw new Error(`Missing value for ${name}`);
    }
    if (name === '--host') {
      options.host = value;
    } else if (name === '--port') {
      options.port = Number(value);
    } else if (name === '--store-timeout') {
      options.storeTimeout = Number(value);
    } else {
      throw new Error(`Unknown argument ${name}`);
    }
  }
  return options;
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const server = new TelegramServer({
    host: options.host,
    port: options.port || 9000,
    // Seconds to keep bot and user messages; the default (60 s) would drop the history that
    // edits and button presses rely on in longer test sessions.
    storeTimeout: options.storeTimeout,
  });
  // normalizeConfig() turns port 0 into 9000; restore 0 so that listen() picks a free port.
  server.config.port = options.port;
  await server.start();
  const listeningPort = server.server.address().port;
  server.config.port = listeningPort;
  server.config.apiURL = `${server.config.protocol}://${options.host}:${listeningPort}`;

  let stopping = false;
  const stop = async (reason) => {
    if (stopping) {
      return;
    }
    stopping = true;
    process.stderr.write(`telegram-test-api: stopping (${reason})\n`);
    // Never hang on a lingering keep-alive connection.
    setTimeout(() => process.exit(0), 2000).unref();
    try {
      await server.stop();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.stdin.on('end', () => stop('stdin closed'));
  process.stdin.on('error', () => stop('stdin error'));
  process.stdin.resume();

  const readyInfo = { host: options.host, port: listeningPort, version: emulatorPackage.version };
  process.stdout.write(`TELEGRAM_TEST_API_READY ${JSON.stringify(readyInfo)}\n`);
}

main().catch((error) => {
  process.stderr.write(`telegram-test-api: failed to start: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});

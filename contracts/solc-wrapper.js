#!/usr/bin/env node
// A `solc` command line backed by solc-js (the `solc` npm package), for tools that want a native
// solc binary and cannot download one here: forge (`--use ./contracts/solc-wrapper.js`) and
// slither/crytic-compile. It answers only what they ask of solc:
//
//   solc-wrapper.js --version                         prints the version like native solc
//   solc-wrapper.js --standard-json [options] [file]  reads standard JSON (stdin or file),
//                                                     writes the output JSON to stdout
//
// Options taken: --base-path DIR, --include-path DIR (repeatable), --allow-paths LIST (ignored:
// solc-js reads files only through the import callback below). A source the input lacks is read
// from the base path, then each include path, then the working directory.
'use strict'

const fs = require('node:fs')
const path = require('node:path')
const process = require('node:process')

function usage(message) {
  process.stderr.write(`solc-wrapper.js: ${message}\n`)
  process.stderr.write('usage: solc-wrapper.js --version | --standard-json [options] [input.json]\n')
  process.exit(2)
}

function parseArgs(argv) {
  const opts = { version: false, standardJson: false, basePath: null, includePaths: [], file: null }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      if (i + 1 >= argv.length) usage(`${arg} needs a value`)
      return argv[++i]
    }
    if (arg === '--version' || arg === '-v') opts.version = true
    else if (arg === '--standard-json') opts.standardJson = true
    else if (arg === '--base-path') opts.basePath = value()
    else if (arg === '--include-path') opts.includePaths.push(value())
    else if (arg === '--allow-paths') value()
    else if (arg.startsWith('--base-path=')) opts.basePath = arg.slice('--base-path='.length)
    else if (arg.startsWith('--include-path=')) opts.includePaths.push(arg.slice(15))
    else if (arg.startsWith('--allow-paths=')) continue
    else if (arg === '-') opts.file = null
    else if (!arg.startsWith('-') && opts.file === null) opts.file = arg
    else usage(`unsupported argument ${arg}`)
  }
  return opts
}

function loadSolc() {
  try {
    return require('solc')
  } catch {
    usage('the `solc` npm package is missing: run `npm ci` (make install)')
  }
}

function importCallback(opts) {
  const roots = [opts.basePath, ...opts.includePaths, process.cwd()].filter((r) => r !== null)
  return (importPath) => {
    for (const root of roots) {
      const file = path.resolve(root, importPath)
      if (fs.existsSync(file) && fs.statSync(file).isFile()) {
        return { contents: fs.readFileSync(file, 'utf8') }
      }
    }
    return { error: `File not found: ${importPath} (looked in ${roots.join(', ')})` }
  }
}

function main(argv) {
  const opts = parseArgs(argv)
  const solc = loadSolc()
  if (opts.version) {
    process.stdout.write('solc, the solidity compiler commandline interface\n')
    process.stdout.write(`Version: ${solc.version()}\n`)
    return
  }
  if (!opts.standardJson) usage('only --version and --standard-json are supported')
  const input = fs.readFileSync(opts.file ?? 0, 'utf8')
  const output = solc.compile(input, { import: importCallback(opts) })
  process.stdout.write(output)
  process.stdout.write('\n')
}

main(process.argv.slice(2))

#!/usr/bin/env node
// Compiles contracts/src/*.sol with solc-js (the `solc` npm package, no native solc, no network)
// from a fixed standard-JSON input and writes contracts/artifacts/<Name>.json.
//
//   node contracts/build.mjs           write the artifacts (and remove stale ones)
//   node contracts/build.mjs --check   compile in memory; exit 1 and list the artifacts that
//                                      differ from the committed ones, exit 0 if all are equal
import { existsSync, readdirSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const CONTRACTS_DIR = path.dirname(fileURLToPath(import.meta.url))
const REPO_ROOT = path.dirname(CONTRACTS_DIR)
const SRC_DIR = path.join(CONTRACTS_DIR, 'src')
const ARTIFACTS_DIR = path.join(CONTRACTS_DIR, 'artifacts')
const NODE_MODULES = path.join(REPO_ROOT, 'node_modules')
const SRC_PREFIX = 'contracts/src/'
const EXPECTED_SOLC = '0.8.37'
const IMPORT_PREFIXES = ['@openzeppelin/contracts/']
// Audited third-party contracts used as published (not compiled here): their npm package's own
// build output is copied into contracts/artifacts in the same shape, so the Python side loads
// every contract one way and a clone needs no node_modules at run time.
const SAFE_PACKAGE = '@safe-global/safe-contracts'
const SAFE_VERSION = '1.4.1'
const VENDORED = {
  Safe: 'Safe.sol/Safe.json',
  SafeProxyFactory: 'proxies/SafeProxyFactory.sol/SafeProxyFactory.json',
  CompatibilityFallbackHandler:
    'handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json',
  MultiSendCallOnly: 'libraries/MultiSendCallOnly.sol/MultiSendCallOnly.json',
}

function fail(message) {
  process.stderr.write(`build.mjs: ${message}\n`)
  process.exit(2)
}

function loadSolc() {
  let solc
  try {
    solc = require('solc')
  } catch {
    fail('the `solc` npm package is missing: run `npm ci` (make install)')
  }
  const version = solc.version()
  if (!version.startsWith(`${EXPECTED_SOLC}+`)) {
    fail(`solc ${EXPECTED_SOLC} expected, node_modules has ${version}: run \`npm ci\``)
  }
  return solc
}

function standardJsonInput() {
  const files = readdirSync(SRC_DIR).filter((f) => f.endsWith('.sol')).sort()
  if (files.length === 0) fail(`no .sol files in ${SRC_DIR}`)
  const sources = {}
  for (const file of files) {
    sources[SRC_PREFIX + file] = { content: readFileSync(path.join(SRC_DIR, file), 'utf8') }
  }
  return {
    language: 'Solidity',
    sources,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: 'cancun',
      metadata: { bytecodeHash: 'none' },
      outputSelection: {
        '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] },
      },
    },
  }
}

// Resolves imports that are not among the sources: only the allowed packages in node_modules.
function findImport(importPath) {
  if (!IMPORT_PREFIXES.some((p) => importPath.startsWith(p))) {
    return { error: `import "${importPath}" is outside contracts/src and the allowed packages` }
  }
  const normalized = path.posix.normalize(importPath)
  if (normalized !== importPath || normalized.includes('..')) {
    return { error: `import "${importPath}" is not a normalized path` }
  }
  const file = path.join(NODE_MODULES, ...importPath.split('/'))
  if (!existsSync(file)) {
    return { error: `import "${importPath}" not found in node_modules: run \`npm ci\`` }
  }
  return { contents: readFileSync(file, 'utf8') }
}

function compile() {
  const solc = loadSolc()
  const output = JSON.parse(
    solc.compile(JSON.stringify(standardJsonInput()), { import: findImport }),
  )
  const diagnostics = output.errors ?? []
  const errors = diagnostics.filter((d) => d.severity === 'error')
  for (const d of diagnostics.filter((x) => x.severity !== 'error')) {
    process.stderr.write(`${d.formattedMessage ?? d.message}\n`)
  }
  if (errors.length > 0) {
    for (const e of errors) process.stderr.write(`${e.formattedMessage ?? e.message}\n`)
    fail(`solc reported ${errors.length} error(s)`)
  }
  const artifacts = new Map()
  for (const sourceName of Object.keys(output.contracts ?? {}).sort()) {
    if (!sourceName.startsWith(SRC_PREFIX)) continue
    for (const [name, contract] of Object.entries(output.contracts[sourceName])) {
      if (artifacts.has(name)) fail(`contract name ${name} is defined twice in contracts/src`)
      const bytecode = contract.evm.bytecode.object
      const deployed = contract.evm.deployedBytecode.object
      if (bytecode.includes('__$') || deployed.includes('__$')) {
        fail(`${name} needs library linking, which this build does not do`)
      }
      const artifact = {
        contractName: name,
        abi: contract.abi,
        bytecode: `0x${bytecode}`,
        deployedBytecode: `0x${deployed}`,
      }
      artifacts.set(`${name}.json`, `${JSON.stringify(artifact, null, 2)}\n`)
    }
  }
  for (const [name, text] of vendoredArtifacts()) {
    if (artifacts.has(name)) fail(`${name} is both compiled here and vendored from ${SAFE_PACKAGE}`)
    artifacts.set(name, text)
  }
  return artifacts
}

function vendoredArtifacts() {
  const root = path.join(NODE_MODULES, ...SAFE_PACKAGE.split('/'))
  const manifest = path.join(root, 'package.json')
  if (!existsSync(manifest)) fail(`${SAFE_PACKAGE} is missing: run \`npm ci\``)
  const version = JSON.parse(readFileSync(manifest, 'utf8')).version
  if (version !== SAFE_VERSION) fail(`${SAFE_PACKAGE} ${SAFE_VERSION} expected, found ${version}`)
  const out = new Map()
  for (const [name, file] of Object.entries(VENDORED)) {
    const built = JSON.parse(
      readFileSync(path.join(root, 'build', 'artifacts', 'contracts', ...file.split('/')), 'utf8'),
    )
    const artifact = {
      contractName: name,
      source: `${SAFE_PACKAGE}@${SAFE_VERSION}`,
      abi: built.abi,
      bytecode: built.bytecode,
      deployedBytecode: built.deployedBytecode,
    }
    out.set(`${name}.json`, `${JSON.stringify(artifact, null, 2)}\n`)
  }
  return out
}

function existingArtifacts() {
  if (!existsSync(ARTIFACTS_DIR)) return []
  return readdirSync(ARTIFACTS_DIR).filter((f) => f.endsWith('.json')).sort()
}

function main(argv) {
  const unknown = argv.filter((a) => a !== '--check')
  if (unknown.length > 0) fail(`unknown argument(s): ${unknown.join(' ')} (usage: build.mjs [--check])`)
  const check = argv.includes('--check')
  const started = performance.now()
  const artifacts = compile()
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  const rel = (f) => path.posix.join('contracts/artifacts', f)

  if (check) {
    const differing = []
    for (const [file, text] of artifacts) {
      const target = path.join(ARTIFACTS_DIR, file)
      if (!existsSync(target) || readFileSync(target, 'utf8') !== text) differing.push(rel(file))
    }
    for (const file of existingArtifacts()) {
      if (!artifacts.has(file)) differing.push(`${rel(file)} (stale: no such contract)`)
    }
    if (differing.length > 0) {
      process.stderr.write('contract artifacts are out of date; run `npm run build:contracts`:\n')
      for (const f of differing) process.stderr.write(`  ${f}\n`)
      process.exit(1)
    }
    process.stdout.write(`contract artifacts up to date (${artifacts.size} contracts, ${seconds}s)\n`)
    return
  }

  mkdirSync(ARTIFACTS_DIR, { recursive: true })
  for (const [file, text] of artifacts) writeFileSync(path.join(ARTIFACTS_DIR, file), text)
  for (const file of existingArtifacts()) {
    if (!artifacts.has(file)) rmSync(path.join(ARTIFACTS_DIR, file))
  }
  process.stdout.write(`wrote ${artifacts.size} artifacts to contracts/artifacts (${seconds}s)\n`)
}

main(process.argv.slice(2))

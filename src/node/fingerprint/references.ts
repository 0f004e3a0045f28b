import type { AnyNode, Program } from 'acorn'
import { ancestor } from 'acorn-walk'

export interface References {
  /** Identifiers read by the code: candidates for module bindings, imports and globals. */
  names: Set<string>
  /** For names used only as `name.member`: the members read. A namespace import then narrows to them. */
  membersOnly: Map<string, Set<string>>
  /** `import('…')` with a literal specifier. */
  dynamicImports: string[]
  /**
   * Paths relative to the module, written as `new URL('./x.sql', import.meta.url)` or
   * `join(import.meta.dirname, 'x.sql')` (`resolve`, `__dirname` too): files the code reads.
   */
  fileRefs: string[]
  /** Paths the code reads relative to the working directory: `readFileSync('data/x.sql')`, `join(process.cwd(), 'x')`. */
  cwdFileRefs: string[]
  /**
   * Modules the code imports by pattern: `import.meta.glob('./data/*.json')`, and `import(\`./langs/${lang}.ts\`)`
   * as Vite reads it (each `${…}` a `*`). `raw`: the files are read as text (`query: '?raw'`), not as modules.
   */
  globs: ImportGlob[]
  /** Environment variables the code reads by name: `process.env.SEED`, `process.env['SEED']`, `const { SEED } = process.env`, `import.meta.env.SEED`. */
  env: string[]
}

export interface ImportGlob {
  patterns: string[]
  raw?: true
}

// node:fs calls whose first argument is a path: a literal one is read relative to the working directory.
const PATH_FIRST = new Set(['readFileSync', 'readFile', 'createReadStream', 'readdirSync', 'readdir', 'opendirSync', 'opendir', 'existsSync', 'exists', 'statSync', 'stat', 'lstatSync', 'lstat', 'accessSync', 'access'])

/**
 * What some code refers to. Local variables that shadow a module binding are counted as
 * references to it: at worst an extra rebuild, never a missed one.
 */
export function referencesOf(nodes: readonly AnyNode[]): References {
  const names = new Set<string>()
  const members = new Map<string, Set<string>>()
  const usedWhole = new Set<string>()
  const dynamicImports: string[] = []
  const fileRefs: string[] = []
  const cwdFileRefs: string[] = []
  const globs: ImportGlob[] = []
  const env = new Set<string>()
  for (const node of nodes) {
    ancestor(node, {
      MemberExpression(member) {
        if (!isEnvObject(member.object)) return
        const name = member.computed ? literalString(member.property) : member.property.type === 'Identifier' ? member.property.name : undefined
        if (name !== undefined) env.add(name)
      },
      VariableDeclarator(declarator) {
        if (declarator.id.type !== 'ObjectPattern' || !declarator.init || !isEnvObject(declarator.init)) return
        for (const property of declarator.id.properties) {
          if (property.type === 'Property' && !property.computed && property.key.type === 'Identifier') env.add(property.key.name)
        }
      },
      NewExpression(expression, _state, ancestors) {
        const [path, base] = expression.arguments
        if (expression.callee.type === 'Identifier' && expression.callee.name === 'URL' && isModuleLocation(base, 'url')) {
          const literal = literalString(path)
          if (literal !== undefined && !onlyWritten(ancestors)) fileRefs.push(literal)
        }
      },
      CallExpression(call, _state, ancestors) {
        if (isImportMetaGlob(call.callee)) {
          const patterns = literalStrings(call.arguments[0])
          if (patterns) globs.push(readsRaw(call.arguments[1]) ? { patterns, raw: true } : { patterns })
          return
        }
        const callee = calleeName(call)
        if (callee && PATH_FIRST.has(callee)) {
          const path = literalString(call.arguments[0])
          if (path && isRelativePath(path)) cwdFileRefs.push(path)
          return
        }
        if ((callee !== 'join' && callee !== 'resolve') || onlyWritten(ancestors)) return
        const [base, ...rest] = call.arguments
        const parts = rest.map(literalString)
        if (!parts.every(part => part !== undefined)) return
        const first = literalString(base)
        if (first !== undefined && isRelativePath(first)) {
          // `resolve('data/x.txt')`, `join('data', 'x.txt')`: the working directory's (`resolve('.')`
          // is the folder itself, not something read in it).
          const path = [first, ...parts].join('/')
          if (!/^\.{1,2}\/?$/.test(path)) cwdFileRefs.push(path)
        }
        else if (parts.length && isModuleLocation(base, 'dirname')) fileRefs.push(parts.join('/'))
        else if (parts.length && isWorkingDirectory(base)) cwdFileRefs.push(parts.join('/'))
      },
      Identifier(identifier, _state, ancestors) {
        names.add(identifier.name)
        const parent = ancestors.at(-2)
        if (parent?.type === 'MemberExpression' && parent.object === identifier && !parent.computed && parent.property.type === 'Identifier') {
          members.set(identifier.name, (members.get(identifier.name) ?? new Set()).add(parent.property.name))
        }
        else {
          usedWhole.add(identifier.name)
        }
      },
      ImportExpression(expression) {
        if (expression.source.type === 'Literal' && typeof expression.source.value === 'string') {
          dynamicImports.push(expression.source.value)
          return
        }
        const pattern = importPattern(expression.source)
        if (pattern) globs.push({ patterns: [pattern] })
      },
    })
  }
  for (const name of usedWhole) members.delete(name)
  return { names, membersOnly: members, dynamicImports, fileRefs, cwdFileRefs, globs, env: [...env].sort() }
}

/** `import.meta.glob` (Vite's, which Vitest runs). */
function isImportMetaGlob(node: AnyNode): boolean {
  return node.type === 'MemberExpression' && node.object.type === 'MetaProperty' && !node.computed
    && node.property.type === 'Identifier' && node.property.name === 'glob'
}

/** `import.meta.glob(…, { query: '?raw' })` (or the older `as: 'raw'`): the files come in as text. */
function readsRaw(options: AnyNode | undefined): boolean {
  if (options?.type !== 'ObjectExpression') return false
  return options.properties.some(property => property.type === 'Property' && !property.computed && property.key.type === 'Identifier'
    && (property.key.name === 'query' || property.key.name === 'as') && /raw|url/.test(literalString(property.value) ?? ''))
}

/** `process.cwd()`. */
function isWorkingDirectory(node: AnyNode | undefined): boolean {
  return node?.type === 'CallExpression' && node.callee.type === 'MemberExpression' && !node.callee.computed
    && node.callee.object.type === 'Identifier' && node.callee.object.name === 'process'
    && node.callee.property.type === 'Identifier' && node.callee.property.name === 'cwd'
}

/**
 * The pattern of a dynamic import built from a template or a `+` of strings, as Vite's
 * dynamic-import-vars reads it: each expression a `*` (one path segment). Only relative ones:
 * Vite resolves nothing else either.
 */
function importPattern(node: AnyNode): string | undefined {
  const parts: string[] = []
  const collect = (part: AnyNode): void => {
    if (part.type === 'BinaryExpression' && part.operator === '+') {
      collect(part.left as AnyNode)
      collect(part.right)
    }
    else if (part.type === 'TemplateLiteral') {
      part.quasis.forEach((quasi, index) => {
        parts.push(quasi.value.cooked ?? '')
        if (index < part.expressions.length) parts.push('*')
      })
    }
    else {
      parts.push(literalString(part) ?? '*')
    }
  }
  collect(node)
  const pattern = parts.join('').replace(/\*+/g, '*')
  return /^\.{1,2}\//.test(pattern) && pattern.includes('*') ? pattern.split('?')[0] : undefined
}

/** A string literal, or an array of them: `import.meta.glob`'s patterns. */
function literalStrings(node: AnyNode | undefined): string[] | undefined {
  if (node?.type === 'ArrayExpression') {
    const items = node.elements.map(element => (element && element.type !== 'SpreadElement' ? literalString(element) : undefined))
    return items.every(item => item !== undefined) ? items as string[] : undefined
  }
  const literal = literalString(node)
  return literal === undefined ? undefined : [literal]
}

/** `process.env` or `import.meta.env`. */
function isEnvObject(node: AnyNode): boolean {
  if (node.type !== 'MemberExpression' || node.computed || node.property.type !== 'Identifier' || node.property.name !== 'env') return false
  return (node.object.type === 'Identifier' && node.object.name === 'process') || node.object.type === 'MetaProperty'
}

// node:fs calls that only write (or make, or remove) the path they are given first.
const WRITE_FIRST = new Set(['writeFileSync', 'writeFile', 'appendFileSync', 'appendFile', 'createWriteStream', 'mkdirSync', 'mkdir', 'rmSync', 'rm', 'unlinkSync', 'unlink', 'truncateSync', 'truncate'])

/**
 * Whether a path expression (the last of `ancestors`) is the first argument of such a call, itself
 * or through `fileURLToPath(…)`: `appendFileSync(join(import.meta.dirname, 'build.log'), line)` names
 * an output, which changes on every build; counted as read, it would rebuild on every run.
 */
function onlyWritten(ancestors: readonly AnyNode[]): boolean {
  let [argument, call] = [ancestors.at(-1), ancestors.at(-2)]
  if (call?.type === 'CallExpression' && calleeName(call) === 'fileURLToPath') [argument, call] = [call, ancestors.at(-3)]
  return call?.type === 'CallExpression' && call.arguments[0] === argument && WRITE_FIRST.has(calleeName(call) ?? '')
}

/**
 * Of the module's constants that hold a path (`candidates`), those it only ever writes to: each
 * use is the first argument of a write-only call (`const LOG = join(import.meta.dirname, 'log')`,
 * then `appendFileSync(LOG, line)`), so the path is an output, as written in place it would be.
 * Any other use (`existsSync(LOG)`, passing it on, a shadowing local) keeps it an input.
 */
export function onlyWrittenConstants(program: Program, candidates: ReadonlySet<string>): Set<string> {
  const used = new Set<string>()
  if (candidates.size) {
    ancestor(program, {
      // (A declaration's own name is a pattern, not visited here.)
      Identifier(identifier, _state, ancestors) {
        if (candidates.has(identifier.name) && !onlyWritten(ancestors)) used.add(identifier.name)
      },
    })
  }
  return new Set([...candidates].filter(name => !used.has(name)))
}

/** `name` for `name(…)` and `fs.name(…)`. */
function calleeName(call: AnyNode & { type: 'CallExpression' }): string | undefined {
  const callee = call.callee.type === 'MemberExpression' && !call.callee.computed ? call.callee.property : call.callee
  return callee.type === 'Identifier' ? callee.name : undefined
}

/** A path relative to the working directory: not absolute, not a URL (`file:`, `node:`), not empty. */
function isRelativePath(path: string): boolean {
  return path !== '' && !path.startsWith('/') && !/^[a-z][\w+.-]*:/i.test(path)
}

function literalString(node: AnyNode | undefined): string | undefined {
  if (node?.type === 'Literal' && typeof node.value === 'string') return node.value
  if (node?.type === 'TemplateLiteral' && !node.expressions.length) return node.quasis[0]?.value.cooked ?? undefined
  return undefined
}

/** `import.meta.url` (as `url`), or `import.meta.dirname` / `__dirname` (as `dirname`). */
function isModuleLocation(node: AnyNode | undefined, form: 'url' | 'dirname'): boolean {
  if (form === 'dirname' && node?.type === 'Identifier') return node.name === '__dirname'
  return node?.type === 'MemberExpression' && node.object.type === 'MetaProperty'
    && node.property.type === 'Identifier' && node.property.name === form
}

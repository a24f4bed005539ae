import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli';
import { HEAVY, HEAVY_USED } from '../support/heavy-modules';

// Issue 21: every CLI command and the desktop app's start loaded the mail and PDF libraries, which only a few
// commands use (a CPU profile of `waybill --help`: nodemailer 136 ms, openpgp 130, the PDF stack about 190,
// imapflow 55, mailparser and its encoding tables about 90). The core loads them on first use, with
// `await import(...)`; a static value import anywhere in the core would load them at start again.
// test/e2e/built-bundles.test.ts checks the same in the built bundles.

const isHeavy = (specifier: string) => HEAVY.some((p) => specifier === p || specifier.startsWith(`${p}/`));

/**
 * The static value imports of a heavy package in one file: `import x from`, `import { type X } from` (kept by
 * verbatimModuleSyntax as `import {} from`, which still loads the package), `import 'x'`, `export … from`,
 * `import x = require()` and `require()`. Allowed: `import type`, `export type … from`, `typeof import('x')`
 * and `await import('x')`.
 */
function staticHeavyImports(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const report = (node: ts.Node, specifier: string) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    found.push(`${fileName}:${line + 1}: ${specifier}`);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      if (isHeavy(node.moduleSpecifier.text) && !node.importClause?.isTypeOnly) report(node, node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (isHeavy(node.moduleSpecifier.text) && !node.isTypeOnly) report(node, node.moduleSpecifier.text);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      if (isHeavy(node.moduleReference.expression.text) && !node.isTypeOnly)
        report(node, node.moduleReference.expression.text);
    } else if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'require' &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0]) &&
      isHeavy(node.arguments[0].text)
    )
      report(node, node.arguments[0].text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The core's own modules: src-main and src-shared, tests left out (they may import what they test with). */
function coreFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? walk(join(dir, e.name))
        : /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')
          ? [join(dir, e.name)]
          : [],
    );
  return [...walk(join(ROOT, 'src-main')), ...walk(join(ROOT, 'src-shared'))];
}

describe('the heavy mail and PDF libraries load on first use (issue 21)', () => {
  it('no module of the core imports them statically', () => {
    const files = coreFiles();
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((f) => staticHeavyImports(relative(ROOT, f), readFileSync(f, 'utf8')));
    expect(found, 'use `import type` for types and `await import(...)` inside the function that needs it').toEqual([]);
  });

  it('the modules that use them still do, lazily (the check above looks in the right places)', () => {
    const lazy = new Set<string>();
    for (const f of coreFiles())
      for (const m of readFileSync(f, 'utf8').matchAll(/await import\('([^']+)'\)/g))
        if (isHeavy(m[1]!)) lazy.add(m[1]!);
    expect([...lazy].sort()).toEqual(HEAVY_USED);
  });

  it('flags every form of static value import, and lets type imports and import() through', () => {
    const check = (code: string) => staticHeavyImports('x.ts', code);
    expect(check("import nodemailer from 'nodemailer';")).toEqual(['x.ts:1: nodemailer']);
    expect(check("import nodemailer, { type SendMailOptions } from 'nodemailer';")).toHaveLength(1);
    expect(check("import { type ParsedMail } from 'mailparser';")).toHaveLength(1);
    expect(check("import * as openpgp from 'openpgp';")).toHaveLength(1);
    expect(check("import 'pdfkit';")).toHaveLength(1);
    expect(check("import MailComposer from 'nodemailer/lib/mail-composer';")).toHaveLength(1);
    expect(check("import { chacha20poly1305 } from '@noble/ciphers/chacha';")).toHaveLength(1);
    expect(check("export { ImapFlow } from 'imapflow';")).toHaveLength(1);
    expect(check("import fontkit = require('fontkit');")).toHaveLength(1);
    expect(check("const PDFDocument = require('pdfkit');")).toHaveLength(1);
    expect(check("import type { ImapFlow } from 'imapflow';")).toEqual([]);
    expect(check("import type PDFDocument from 'pdfkit';")).toEqual([]);
    expect(check("export type { Key } from 'openpgp';")).toEqual([]);
    expect(check("let m: typeof import('openpgp') | undefined;")).toEqual([]);
    expect(check("export async function f() { return (await import('pdfkit')).default; }")).toEqual([]);
    expect(check("import { readFileSync } from 'node:fs';\nimport { z } from 'zod';")).toEqual([]);
  });
});

" Vim syntax file
" Language:   leadq rules (*.lq), the lead-qualification agreement
" Reference:  man leadq-rules (docs/language.md)
" Installed:  $(PREFIX)/share/vim/vimfiles/syntax/leadq.vim, with ftdetect/leadq.vim
"
" Every keyword of the lexer (grammar/leadq.l) is here; tests/editors.sh checks
" it. The declaration words (ruleset ... expect, table, key, to) are not
" reserved: a lead field may be named `stage` or `to` and written bare. Without
" a parser a highlighter cannot tell, so they are highlighted as keywords
" everywhere; write such a field in backquotes to see it as one.

if exists("b:current_syntax")
  finish
endif
let s:cpo_save = &cpo
set cpo&vim

syn case match

" Declarations: what starts a line of the agreement, and the words inside them.
syn keyword leadqDeclaration ruleset version team include list define score grade reject stage route table test
syn keyword leadqClause      by decay days since key to now expect lead up
" The reserved words of expressions, and the words of the two-word operators
" (not in, contains any, starts with [any], ends with [any], is missing, is present, up to).
syn keyword leadqConditional when otherwise per where
syn keyword leadqOperator    and or not in between matches contains starts ends with is missing present
syn keyword leadqBoolean     true false
syn keyword leadqConstant    null
" any and every are words of the language and functions too: matches, so that
" the function's, defined after, wins before a parenthesis.
syn match   leadqOperator    "\<any\>"
syn match   leadqClause      "\<every\>"
" Built-in functions (src/program.h), when called.
syn match   leadqFunction    "\<\(lower\|upper\|trim\|len\|domain\|number\|coalesce\|abs\|round\|floor\|ceil\|min\|max\|sum\|count\|any\|every\|latest\|earliest\|days_since\|date\|first\|pick\)\ze\s*("

syn match   leadqComment     "#.*$" contains=@Spell,leadqTodo
syn keyword leadqTodo        contained TODO FIXME XXX NOTE
syn region  leadqString      start=+"+ skip=+\\\\\|\\"+ end=+"+ oneline contains=leadqEscape
syn match   leadqEscape      contained +\\\(["\\/ntr]\|u\x\{4}\)+
syn match   leadqField       "`[^`]*`"
" Numbers, a points rule's sign included (+20, -30), and percentages (25%).
syn match   leadqNumber      "\<\d\+\(\.\d\+\)\=\([eE][+-]\=\d\+\)\=%\="
syn match   leadqPoints      "^\s*[+-]\d\+\(\.\d\+\)\=\>"
syn match   leadqSymbol      "==\|!=\|<=\|>=\|[<>=+*/-]"

hi def link leadqDeclaration Statement
hi def link leadqClause      Keyword
hi def link leadqConditional Conditional
hi def link leadqOperator    Operator
hi def link leadqSymbol      Operator
hi def link leadqBoolean     Boolean
hi def link leadqConstant    Constant
hi def link leadqFunction    Function
hi def link leadqComment     Comment
hi def link leadqTodo        Todo
hi def link leadqString      String
hi def link leadqEscape      SpecialChar
hi def link leadqField       Identifier
hi def link leadqNumber      Number
hi def link leadqPoints      Number

let b:current_syntax = "leadq"
let &cpo = s:cpo_save
unlet s:cpo_save

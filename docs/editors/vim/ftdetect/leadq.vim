" leadq rules files: *.lq (man leadq-rules)
autocmd BufNewFile,BufRead *.lq setfiletype leadq

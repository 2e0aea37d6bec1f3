# leadq.bash: bash completion for leadq, installed as
# $(PREFIX)/share/bash-completion/completions/leadq (bash-completion loads it
# the first time `leadq` is completed), or read by hand: source leadq.bash.
# Subcommands and help topics, each one's long options, the values of --input, --output,
# --format and --delimiter, and file names for RULES, FILE and options that
# name a file. tests/completion.sh checks the option lists against the
# command's own (getopt tables and `leadq help COMMAND`).

_leadq() {
  local cur prev cword=$COMP_CWORD
  cur=${COMP_WORDS[cword]}
  prev=${COMP_WORDS[cword - 1]}
  # --opt=value: bash splits at '=', so the option is two words back.
  if [[ $cur == = ]]; then
    prev=${COMP_WORDS[cword - 1]} cur=
  elif [[ $prev == = ]] && ((cword >= 2)); then
    prev=${COMP_WORDS[cword - 2]}
  fi

  local commands="run check fmt test explain diff report help"
  if ((cword == 1)); then
    COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
    return
  fi

  # The input options every command that reads leads takes.
  local input="--input --delimiter --csv-header --first-line --max-line-bytes --errors --id-field --progress --no-progress"
  local cmd=${COMP_WORDS[1]} opts formats="text json"
  case $cmd in
  run) opts="--now --output --annotate --stage --route --rejected --stats --quiet --jobs $input" ;;
  check) opts="--strict --format --dump-ast --sample $input" ;;
  fmt) opts="--write --check --diff" ;;
  test) opts="--now --quiet --coverage --coverage-min --junit $input" ;;
  explain) opts="--now --lead --format $input" ;;
  diff) opts="--now --quiet --format --show --owners --fail-on-change --outcome $input" formats="text json markdown" ;;
  report) opts="--now --quiet --outcome --disposition --bands --min-count --format --html $input" formats="text markdown csv json" ;;
  help)
    # The commands, and the guides `leadq help` lists under topics.
    ((cword == 2)) && COMPREPLY=($(compgen -W "${commands% help} reading" -- "$cur"))
    return
    ;;
  *) return ;;
  esac

  case $prev in
  --input) COMPREPLY=($(compgen -W "csv ndjson" -- "$cur")); return ;;
  --output) COMPREPLY=($(compgen -W "ndjson csv" -- "$cur")); return ;;
  --format) COMPREPLY=($(compgen -W "$formats" -- "$cur")); return ;;
  --delimiter)
    # The semicolon quoted, as the shell must read it.
    local d
    for d in tab , '\;'; do [[ $d == "$cur"* ]] && COMPREPLY+=("$d"); done
    return
    ;;
  --errors | --sample | --html | --junit)
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -- "$cur"))
    return
    ;;
  # A value of the user's: nothing to offer.
  --now | --stage | --route | --jobs | --id-field | --max-line-bytes | --csv-header | --first-line | --lead | --show | --owners | \
    --outcome | --disposition | --bands | --min-count | --coverage-min | --annotate)
    return
    ;;
  esac

  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts --help" -- "$cur"))
    [[ $cmd == run && $cur == --a* ]] && COMPREPLY+=(--annotate=)
    [[ ${COMPREPLY[*]} == *= ]] && compopt -o nospace 2>/dev/null
    return
  fi
  # RULES, FILE, CASES, OLD and NEW: file names.
  compopt -o filenames 2>/dev/null
  COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _leadq leadq

# SPDX-License-Identifier: GPL-2.0
# bash completion for kleak. Commands and options come from kleak itself
# (`kleak help --commands`, `kleak help CMD`), so they cannot drift from
# the code; tests/cli/docs.sh checks it.

_kleak_options()
{
	"$1" help "$2" 2>/dev/null |
		sed -nE 's/^ +(-[A-Za-z0-9], )?(--[a-z][a-z0-9.-]*).*/\2/p; s/^ +(-[A-Za-z0-9]),? .*/\1/p'
}

_kleak()
{
	local cur prev words cword kleak cmd
	_init_completion 2>/dev/null || {
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	}
	kleak=${words[0]}
	cmd=""
	local i
	for ((i = 1; i < cword; i++)); do
		case "${words[i]}" in
		-*) ;;
		*) cmd=${words[i]}; break ;;
		esac
	done
	if [ -z "$cmd" ]; then
		COMPREPLY=($(compgen -W "$("$kleak" help --commands 2>/dev/null) help --help --version" -- "$cur"))
		return
	fi
	if [ "$cmd" = help ]; then
		COMPREPLY=($(compgen -W "$("$kleak" help --commands 2>/dev/null)" -- "$cur"))
		return
	fi
	case "$prev" in
	-o|--output|--from|--baseline|--kallsyms|--modules|--web.config.file|--textfile)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--fail-on)
		COMPREPLY=($(compgen -W "info warning critical" -- "$cur"))
		return ;;
	--color)
		COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
		return ;;
	esac
	if [[ "$cur" == -* ]]; then
		COMPREPLY=($(compgen -W "$(_kleak_options "$kleak" "$cmd")" -- "$cur"))
	elif [ "$cmd" = kmemleak ] && [ "$cword" -eq $((i + 1)) ]; then
		COMPREPLY=($(compgen -W "report scan clear run" -- "$cur"))
	elif [ "$cmd" = report ]; then
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
complete -F _kleak kleak

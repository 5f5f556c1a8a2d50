# SPDX-License-Identifier: GPL-2.0
# bash completion for kleak. Commands, sub-commands, options and option
# values come from kleak itself (`kleak help --commands [CMD]`, `kleak help
# --options CMD`: the command's option table), so they cannot drift from
# the code; tests/cli/docs.sh checks it.

# The option table of a command: "--name -s KIND [WORD...]" a line.
_kleak_table()
{
	"$1" help --options "$2" 2>/dev/null
}

_kleak()
{
	local cur prev words cword kleak cmd table
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
	table=$(_kleak_table "$kleak" "$cmd")
	# The value of the option before: its words, or files for a path.
	local kind vals
	read -r kind vals < <(awk -v o="$prev" '$1 == o || $2 == o { $1 = $2 = ""; print; exit }' <<<"$table")
	case "$kind" in
	path) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	enum) COMPREPLY=($(compgen -W "$vals" -- "$cur")); return ;;
	flag|optpath|"") ;; # optpath: a value only after '=' (--folded=FILE)
	*) return ;; # a number, a duration, a size, a name: nothing to offer
	esac
	if [[ "$cur" == -* ]]; then
		COMPREPLY=($(compgen -W "$(awk '{ print $1; if ($2 != "-") print $2 }' <<<"$table")" -- "$cur"))
	elif [ "$cword" -eq $((i + 1)) ] && [ -n "$("$kleak" help --commands "$cmd" 2>/dev/null)" ]; then
		COMPREPLY=($(compgen -W "$("$kleak" help --commands "$cmd" 2>/dev/null)" -- "$cur"))
	elif [ "$cmd" = report ]; then
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
complete -F _kleak kleak

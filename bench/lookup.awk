# lookup.awk: the awk baseline for errtag's benchmark. It does "the same
# lookup" as errtag in the way one would write it in awk: load the code table
# (bench/out/codes.tsv: system, code, name, message), find the main carriers
# of the five systems with regular expressions (marker + code, as in
# shared/logformats.md), and append the name and message to matching lines.
# Every line is printed. Portable: runs under gawk and mawk (no intervals,
# no IGNORECASE, no gawk-only match()).
#
#   mawk -f bench/lookup.awk bench/out/codes.tsv bench/out/mixed.txt
BEGIN { FS = "\t" }

FNR == NR { name[$1 SUBSEP $2] = $3; msg[$1 SUBSEP $2] = $4; next }

# Cheap prefilter: every carrier holds "code"/"Code"/"CODE" or DrupalError(.
!/[Cc][Oo][Dd][Ee]|Drupal\.?Error\(/ { print; next }

{
	line = $0
	low = tolower(line)
	ann = ""
	nfound = 0
	vm = (index(low, "vmxsync") || index(low, "voltmx") || index(low, "volt mx"))
	dr = index(low, "drupal")
	kx = (index(low, "knox") || index(low, "efota") || index(low, "e-fota"))

	# voltmx-sync: a marker, or errorCode with errrorMessage/errorInfo.
	if (vm || line ~ /"errorCode"[^}]*"(errrorMessage|errorInfo)"|"(errrorMessage|errorInfo)"[^}]*"errorCode"/) {
		if (match(line, /errorCode"? *[=:] *"?-?[0-9]+/))
			found("voltmx-sync", lastnum(substr(line, RSTART, RLENGTH)))
	}
	# backend-services: a JSON body with "errorCode" and "message" (maybe
	# escaped into a string), no marker.
	else if (!dr && !kx && line ~ /\\?"message\\?" *: *\\?"/ && match(line, /\\?"errorCode\\?" *: *(\\?")?[0-9]+/))
		found("backend-services", lastnum(substr(line, RSTART, RLENGTH)))

	# drupal-sdk: the marker, then DrupalError(N), "code":N or code=N.
	if (dr) {
		if (match(line, /Drupal\.?Error\( *-?[0-9]+/) || match(line, /"code" *: *"?-?[0-9]+/) || match(line, /(^|[^A-Za-z_])code *[=:] *-?[0-9]+/))
			found("drupal-sdk", lastnum(substr(line, RSTART, RLENGTH)))
	}

	# wusp: WARNING: ErrorCode:NAME, or <ErrorCode>NAME</ErrorCode>.
	if (match(line, /WARNING:[ \t]+ErrorCode: *[A-Za-z][A-Za-z0-9_]*/) || match(line, /<ErrorCode>[A-Za-z][A-Za-z0-9_]*<\/ErrorCode>/)) {
		s = substr(line, RSTART, RLENGTH)
		sub(/<\/ErrorCode>$/, "", s)
		sub(/^.*(ErrorCode: *|<ErrorCode>)/, "", s)
		found("wusp", s)
	}

	# knox-efota: the marker, then result/error code followed by a number.
	if (kx && match(low, /(result|error)[_ ]?code"? *[=: ] *"?-?[0-9]+/))
		found("knox-efota", lastnum(substr(low, RSTART, RLENGTH)))

	if (nfound)
		print line ann
	else
		print line
}

function lastnum(s) {
	match(s, /-?[0-9]+$/)
	return substr(s, RSTART, RLENGTH) + 0
}

function found(sys, code,   k) {
	k = sys SUBSEP code
	nfound++
	if (k in name)
		ann = ann " errtag.system=" sys " errtag.code=" code " errtag.name=" name[k] " errtag.message=\"" msg[k] "\""
	else
		ann = ann " errtag.system=" sys " errtag.code=" code " errtag.known=false"
}

#!/usr/bin/env bash
# Each kind of bad input must exit 2 with one stderr line naming the culprit (file:line or key)
# and what was expected; CRLF line ends are accepted. Usage: bad_input.sh SATLM SHARED_DIR
set -u
satlm=$1; shared=$2
src=$shared/vectors/external/inq-ws4-p1
[ -d "$src" ] || { echo "FAIL: $src missing"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; failed=0

fresh() { rm -rf "$tmp/s"; cp -r "$src" "$tmp/s"; }
# expect NAME CODE REGEX -- satlm args...
expect() {
    local name=$1 code=$2 regex=$3; shift 4
    "$satlm" "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
    local lines; lines=$(grep -c . "$tmp/err")
    if [ "$rc" -ne "$code" ]; then
        echo "FAIL $name: exit $rc, expected $code; stderr: $(head -3 "$tmp/err")"; failed=$((failed+1)); return
    fi
    if [ "$code" -eq 2 ] && ! grep -Eq -e "$regex" "$tmp/err"; then
        echo "FAIL $name: stderr does not match /$regex/: $(cat "$tmp/err")"; failed=$((failed+1)); return
    fi
    if [ "$code" -eq 2 ] && [ "$name" != invalid_combination ] && [ "$lines" -ne 1 ]; then
        echo "FAIL $name: expected one stderr line, got $lines: $(cat "$tmp/err")"; failed=$((failed+1)); return
    fi
    echo "ok   $name: $(head -1 "$tmp/err")"; pass=$((pass+1))
}

fresh; sed -i '6s/^0/x/' "$tmp/s/activation_tile0.txt"
expect non_binary_char 2 'activation_tile0\.txt:6:.*(binary|0 or 1)' -- run "$tmp/s"
fresh; sed -i '7s/^0//' "$tmp/s/activation_tile0.txt"
expect wrong_width 2 'activation_tile0\.txt:7:.*32' -- run "$tmp/s"
fresh; sed -i '$d' "$tmp/s/weight_itile0_otile0_kij4.txt"
expect too_few_lines 2 'weight_itile0_otile0_kij4\.txt.*expected 8' -- run "$tmp/s"
fresh; tail -1 "$tmp/s/activation_tile0.txt" >> "$tmp/s/activation_tile0.txt"
expect too_many_lines 2 'activation_tile0\.txt.*36' -- run "$tmp/s" --set layer.padded_height=6 --set layer.padded_width=6
fresh; rm "$tmp/s/weight_itile0_otile0_kij3.txt"
expect missing_file 2 'weight_itile0_otile0_kij3\.txt: missing' -- run "$tmp/s" --set layer.kernel=3
expect missing_file_inferred_kernel 2 'weight_itile0_otile0_kij3\.txt: missing' -- run "$tmp/s"
fresh; : > "$tmp/s/out.txt"
expect empty_file 2 'out\.txt.*(empty|no data)' -- run "$tmp/s"
fresh; head -c 3000 /dev/urandom > "$tmp/s/weight_itile0_otile0_kij0.txt"; printf '\0\0\1\n' >> "$tmp/s/weight_itile0_otile0_kij0.txt"
expect binary_garbage 2 'weight_itile0_otile0_kij0\.txt' -- run "$tmp/s"
fresh; printf '[layer]\nkernal = 3\n' > "$tmp/s/vectorset.toml"
expect unknown_manifest_key 2 'vectorset\.toml.*kernal' -- run "$tmp/s"
fresh; printf '[array]\nrows = 16\n' > "$tmp/s/vectorset.toml"
expect misplaced_manifest_key 2 'vectorset\.toml.*array\.rows' -- run "$tmp/s"
fresh
expect out_of_range_value 2 'array\.rows' -- run "$tmp/s" --set array.rows=0
expect not_a_number 2 'l0\.depth' -- run "$tmp/s" --set l0.depth=deep
expect unknown_set_key 2 'array\.rowz' -- run "$tmp/s" --set array.rowz=8
expect set_without_value 2 'KEY=VALUE' -- run "$tmp/s" --set array.rows
expect impossible_geometry 2 'impossible geometry: pmem needs 11 words' -- run "$tmp/s" --set pmem.words=10
expect contradicting_key 2 '(layer\.padded_height.*activation_tile0\.txt|activation_tile0\.txt.*layer\.padded_height)' -- run "$tmp/s" --set layer.padded_height=7
printf '[layer]\nkernel = 3\n' > "$tmp/arch.toml"
expect manifest_key_in_config 2 'arch\.toml.*layer\.kernel' -- run "$tmp/s" --config "$tmp/arch.toml"
printf 'array.rows = = 3\n' > "$tmp/arch.toml"
expect config_syntax_error 2 'arch\.toml:1' -- run "$tmp/s" --config "$tmp/arch.toml"
expect missing_config_file 2 'nonexistent\.toml' -- run "$tmp/s" --config "$tmp/nonexistent.toml"
expect missing_set_folder 2 'no_such_set' -- run "$tmp/no_such_set"
expect invalid_combination 2 'xmem\.width_bits' -- run "$tmp/s" --set xmem.width_bits=16 --set l0.depth=4
expect bad_usage 2 '.' -- run "$tmp/s" --frobnicate
# A corrupted FIRST data line is a data line, not a header (auto header mode). ('q': an x or z
# in an expected output file is an unknown bit of an RTL dump, a mismatch rather than bad input.)
for f in activation_tile0 weight_itile0_otile0_kij0 out; do
    fresh; sed -i '4s/^./q/' "$tmp/s/$f.txt"
    expect "corrupt_first_line_$f" 2 "$f\\.txt:4: non-binary character 'q' at column 1, expected only 0 and 1" -- run "$tmp/s"
done
# Keys that contradict the files of the bundled default set (8 -> 8 channels, k = 3).
def=$(cd "$(dirname "$0")/../../vectors/default" && pwd)
expect padded_act_nonzero 2 'activation_tile0\.txt:[0-9]+: padded activation input channel .*layer\.in_channels. = 5' -- run "$def" --set layer.in_channels=5
expect padded_weight_nonzero 2 'weight_itile0_otile0_kij0\.txt:[0-9]+: padded weight output channel .*layer\.out_channels. = 5' -- run "$def" --set layer.out_channels=5
expect kernel_below_files 2 'layer\.kernel. = 1.*weight_itile0_otile0_kij1\.txt exists' -- run "$def" --set layer.kernel=1 --no-check
expect second_tile_missing 2 'activation_tile1\.txt: missing: needed for layer\.in_channels = 16 with tiles\.in_channels = 8' -- run "$def" --set layer.in_channels=16
fresh; printf 'dir = "s/out.txt"\n' > "$tmp/m.toml"
expect manifest_dir_is_file 2 'm\.toml: key .dir.: data folder .*out\.txt" is not a folder' -- run "$tmp/m.toml"
# satlm gen options.
expect npy_is_folder 2 ': is a folder, expected a \.npy file' -- gen --out "$tmp/g" --from-npy "$tmp/s" "$tmp/s"
expect seed_negative 2 '--seed: expected a whole number 0\.\.18446744073709551615, got -1' -- gen --out "$tmp/g" --seed -1
expect seed_overflow 2 '--seed: expected a whole number .*got 99999999999999999999' -- gen --out "$tmp/g" --seed 99999999999999999999
expect alpha_negative 2 '^satlm: error: --act-alpha: expected a positive number, got -1' -- gen --out "$tmp/g" --act-alpha -1
# satlm gen layouts.
expect gen_pattern_outside 2 "key .files.output.: \"\.\./o\.txt\" leaves the output folder" -- gen --out "$tmp/g" --set files.output=../o.txt
expect gen_missing_placeholder 2 'key .files.activation.: "a\.txt" has no \{i\} but the layer has 2 input tiles' -- gen --out "$tmp/g" --in-ch 16 --set files.activation=a.txt
expect gen_arch_key 2 'key .array\.rows. does not change the files gen writes' -- gen --out "$tmp/g" --set array.rows=4
printf '[format]\nheader_lines = "some"\n' > "$tmp/bad_layout.toml"
expect gen_bad_layout 2 'bad_layout\.toml:2: key .format\.header_lines.' -- gen --out "$tmp/g" --layout "$tmp/bad_layout.toml"
expect gen_like_missing 2 'no such vector-set folder or manifest' -- gen --out "$tmp/g" --like "$tmp/nothing"
fresh; for f in "$tmp"/s/*.txt; do sed -i 's/$/\r/' "$f"; done
expect crlf_accepted 0 '' -- run "$tmp/s" -q
echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]

# Shared by the benchmark scripts; source it from the checkout's root.

# The tazakoom binary to measure: TAZAKOOM_BIN if set (one built earlier, so the sources may change
# while it runs, or an older build to compare with), else this checkout's release build.
tazakoom_binary() {
  if [ -n "${TAZAKOOM_BIN:-}" ]; then
    echo "$TAZAKOOM_BIN"
    return
  fi
  swift build -c release --product tazakoom >/dev/null || return 1
  echo "$(swift build -c release --show-bin-path)/tazakoom"
}

# Writes OUTPUT (core/build_info.hpp) from INPUT with the current git commit; run at every build
# so the commit baked into leosem never goes stale, and rewritten only when it changes.
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SOURCE_DIR}
  OUTPUT_VARIABLE LEOSEM_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
execute_process(COMMAND git status --porcelain --untracked-files=no WORKING_DIRECTORY ${SOURCE_DIR}
  OUTPUT_VARIABLE LEOSEM_GIT_DIRTY OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT LEOSEM_GIT_COMMIT)
  set(LEOSEM_GIT_COMMIT "unknown")
elseif(LEOSEM_GIT_DIRTY)
  set(LEOSEM_GIT_COMMIT "${LEOSEM_GIT_COMMIT}-dirty")
endif()
configure_file(${INPUT} ${OUTPUT} @ONLY)

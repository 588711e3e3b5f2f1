/* An executable needs one source; everything of a lab test binary lives in libraries. */

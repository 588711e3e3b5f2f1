/*
 * build.h — the build stage: the binaries one lab is graded with.
 *
 * The tree's own sources are built by CMake (incrementally, in one
 * `cmake --build` for every lab of the run: a batch runs a grader per
 * candidate); a submission's staged files by compile.c, in the sandbox.
 * Either way the trusted binary is the tree's reference (or, in a handout,
 * the compiled reference it ships), never linked with candidate code.
 *
 * Interface: build_tree(plan) once → build_lab(plan, lab, ...) per lab.
 */
#ifndef UNDERGO_BUILD_H
#define UNDERGO_BUILD_H

#include "bins.h"
#include "plan.h"
#include "result.h"

/* Builds, in one `cmake --build`, every target the selected labs need.
 * Returns 0 when all built; otherwise build_lab() builds each lab by
 * itself and so names the lab that fails. */
int build_tree(const plan_t *p);

/* Fills b with pl's binaries (building what is needed unless tree_built);
 * a lab that cannot be built gets lr->status and lr->build_output.
 * Returns 0 (whatever the candidate's code did) or a negative errno on the
 * grader's own failure. */
int build_lab(const plan_t *p, const plan_lab_t *pl, bool tree_built, lab_bins_t *b,
              lab_result_t *lr);

#endif

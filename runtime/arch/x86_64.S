/*
 * x86_64.S — the context switch of the x86-64 System V ABI.
 *
 * A switch saves only what a call must preserve: rbx, rbp, r12-r15, the
 * MXCSR and the x87 control word; the caller-saved registers are already
 * dead at the call. The stack pointer is the whole saved context, so a
 * task's context is one word.
 *
 * Interface: rt__prepare(top, entry, arg) builds a first frame on a fresh
 * stack → rt__switch(&save, sp) leaves the caller, resumes sp; the first
 * resume of a prepared stack calls entry(arg) (which must never return).
 *
 * Saved frame, lowest address first (sp points at it):
 *   [mxcsr:4 fpucw:2 pad:2] r15 r14 r13 r12 rbx rbp [return address]
 */
    .text

/* void rt__switch(void **save_sp, void *load_sp) */
    .globl rt__switch
    .hidden rt__switch
    .type rt__switch, @function
rt__switch:
    .cfi_startproc
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movl (%rsp), %eax
    movzwl 4(%rsp), %ecx
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    /* Loading a control word is slow and the words rarely differ. */
    cmpl (%rsp), %eax
    je 1f
    ldmxcsr (%rsp)
1:  cmpw 4(%rsp), %cx
    je 2f
    fldcw 4(%rsp)
2:  addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .cfi_endproc
    .size rt__switch, .-rt__switch

/* void *rt__prepare(void *top, void (*entry)(void *), void *arg):
 * returns the sp to pass to rt__switch. 80 bytes: the 64-byte frame above
 * plus 16 zero bytes, so entry starts with rsp ≡ 8 (mod 16) as after a call. */
    .globl rt__prepare
    .hidden rt__prepare
    .type rt__prepare, @function
rt__prepare:
    .cfi_startproc
    andq $-16, %rdi
    leaq -80(%rdi), %rax
    movq $0, 72(%rax)
    movq $0, 64(%rax)
    leaq rt__boot(%rip), %rcx
    movq %rcx, 56(%rax)     /* return address */
    movq $0, 48(%rax)       /* rbp: ends frame-pointer walks */
    movq $0, 40(%rax)       /* rbx */
    movq %rsi, 32(%rax)     /* r12 = entry */
    movq %rdx, 24(%rax)     /* r13 = arg */
    movq $0, 16(%rax)       /* r14 */
    movq $0, 8(%rax)        /* r15 */
    movl $0x1f80, (%rax)    /* the ABI's initial MXCSR and x87 control */
    movl $0x037f, 4(%rax)   /* word: round to nearest, exceptions masked */
    ret
    .cfi_endproc
    .size rt__prepare, .-rt__prepare

/* First code of every task: entry(arg). Unwinders stop here. */
    .type rt__boot, @function
rt__boot:
    .cfi_startproc
    .cfi_undefined rip
    movq %r13, %rdi
    callq *%r12
    ud2
    .cfi_endproc
    .size rt__boot, .-rt__boot

    .section .note.GNU-stack, "", @progbits

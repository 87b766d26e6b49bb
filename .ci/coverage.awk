# Line coverage per package and overall from JaCoCo's CSV report; exits 1 below min (percent).
# Columns: GROUP,PACKAGE,CLASS,INSTRUCTION_MISSED,INSTRUCTION_COVERED,BRANCH_MISSED,BRANCH_COVERED,LINE_MISSED,LINE_COVERED,...
NR > 1 { missed[$2] += $8; covered[$2] += $9; m += $8; c += $9 }
END {
    print "Line coverage (JaCoCo, target/site/jacoco/index.html):"
    n = 0
    for (p in covered) pkgs[++n] = p
    for (i = 2; i <= n; i++) {  # insertion sort: mawk has no asort
        for (j = i; j > 1 && pkgs[j - 1] > pkgs[j]; j--) { t = pkgs[j]; pkgs[j] = pkgs[j - 1]; pkgs[j - 1] = t }
    }
    for (i = 1; i <= n; i++) {
        p = pkgs[i]
        printf "  %-22s %5.1f %%  (%d of %d lines)\n", p, 100 * covered[p] / (covered[p] + missed[p]), covered[p], covered[p] + missed[p]
    }
    total = 100 * c / (c + m)
    printf "  %-22s %5.1f %%  (%d of %d lines)\n", "overall", total, c, c + m
    if (total < min) {
        printf "line coverage %.1f %% is below the required %d %%\n", total, min
        exit 1
    }
}

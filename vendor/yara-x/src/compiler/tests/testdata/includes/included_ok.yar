rule included {
    condition:
        true
}

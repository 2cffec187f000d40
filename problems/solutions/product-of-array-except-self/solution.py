def product_except_self(nums):
    n = len(nums)
    out = [1] * n
    run = 1
    for i in range(n):
        out[i] = run
        run *= nums[i]
    run = 1
    for i in range(n - 1, -1, -1):
        out[i] *= run
        run *= nums[i]
    return out

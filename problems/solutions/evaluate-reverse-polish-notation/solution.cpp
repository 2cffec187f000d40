class Solution {
public:
    int evalRpn(vector<string>& tokens) {
        vector<long long> stack;
        for (const string& t : tokens) {
            if (t == "+" || t == "-" || t == "*" || t == "/") {
                long long b = stack.back(); stack.pop_back();
                long long a = stack.back(); stack.pop_back();
                if (t == "+") stack.push_back(a + b);
                else if (t == "-") stack.push_back(a - b);
                else if (t == "*") stack.push_back(a * b);
                else stack.push_back(a / b);
            } else {
                stack.push_back(stoll(t));
            }
        }
        return (int)stack.back();
    }
};

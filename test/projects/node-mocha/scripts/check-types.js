console.log("check:types clean");

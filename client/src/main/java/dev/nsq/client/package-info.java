package dev.nsq.client;
